//! Each user's notes: the types and the server functions (`POST /api/list_notes`,
//! `/api/create_note`, `/api/delete_note`), guarded by the same [`notes_policy`] as the
//! `/notes` page. The owner is always the verified user's `sub`, never something the client
//! sends; another user's note id is answered exactly like an id that does not exist (404).

use leptos::prelude::*;
use leptos_cognito::Policy;
use serde::{Deserialize, Serialize};

/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Most notes one user keeps.
pub const MAX_NOTES_PER_USER: usize = 1000;

/// Who may keep notes: any signed-in user.
pub fn notes_policy() -> Policy {
    Policy::signed_in()
}

/// One note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Its id.
    pub id: i64,
    /// The text (1–2000 characters).
    pub text: String,
    /// Unix time of creation.
    pub created_at: i64,
}

/// How many notes a user has (what admins see: never the text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteCount {
    /// The user's name.
    pub username: String,
    /// Their number of notes.
    pub notes: u64,
}

/// Checks a note's text (the same rule on the client and the server): 1–2000 characters,
/// not only whitespace.
pub fn check_text(text: &str) -> Result<(), String> {
    let n = text.chars().count();
    if text.trim().is_empty() {
        Err("Write something first.".into())
    } else if n > MAX_NOTE_CHARS {
        Err(format!(
            "A note has at most {MAX_NOTE_CHARS} characters ({n} now)."
        ))
    } else {
        Ok(())
    }
}

/// The signed-in user's notes, newest first. 401 when signed out.
#[server(prefix = "/api", endpoint = "list_notes")]
pub async fn list_notes() -> Result<Vec<Note>, ServerFnError> {
    let owner = server::owner().await?;
    let db = server::db()?;
    db.list(&owner.sub).await.map_err(server::unavailable)
}

/// Adds a note (field `text`, 1–2000 characters). 400 for a bad text, 401 when signed out.
#[server(prefix = "/api", endpoint = "create_note")]
pub async fn create_note(text: Option<String>) -> Result<Note, ServerFnError> {
    let owner = server::owner().await?;
    let text = text.unwrap_or_default();
    check_text(&text).map_err(|m| server::fail(http::StatusCode::BAD_REQUEST, m))?;
    let db = server::db()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    match db
        .create(&owner.sub, &owner.username, &text, now)
        .await
        .map_err(server::unavailable)?
    {
        Some(note) => Ok(note),
        None => Err(server::fail(
            http::StatusCode::CONFLICT,
            format!("You already have {MAX_NOTES_PER_USER} notes: delete some first."),
        )),
    }
}

/// Deletes one of the user's notes (field `id`). 404 when the user has no such note, whether
/// or not someone else does; 400 for an id that is not a number; 401 when signed out.
#[server(prefix = "/api", endpoint = "delete_note")]
pub async fn delete_note(id: Option<String>) -> Result<(), ServerFnError> {
    let owner = server::owner().await?;
    let id: i64 = id
        .as_deref()
        .map(str::trim)
        .and_then(|i| i.parse().ok())
        .ok_or_else(|| server::fail(http::StatusCode::BAD_REQUEST, "`id` must be a note id"))?;
    let db = server::db()?;
    if db
        .delete(&owner.sub, id)
        .await
        .map_err(server::unavailable)?
    {
        Ok(())
    } else {
        Err(server::fail(http::StatusCode::NOT_FOUND, "No such note."))
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use leptos::prelude::*;
    use leptos_cognito::{require, Authorized, CognitoUser};

    use super::notes_policy;
    use crate::notes_db::NotesDb;

    /// An error with this HTTP status.
    pub(crate) fn fail(status: http::StatusCode, message: impl Into<String>) -> ServerFnError {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status);
        }
        ServerFnError::new(message.into())
    }

    /// The verified user the notes belong to (401 otherwise, also with authorization
    /// disabled: notes need an owner).
    pub(crate) async fn owner() -> Result<CognitoUser, ServerFnError> {
        match require(&notes_policy()).await? {
            Authorized::User(u) | Authorized::Disabled(Some(u)) => Ok(u),
            _ => Err(fail(
                http::StatusCode::UNAUTHORIZED,
                "Sign in to keep notes.",
            )),
        }
    }

    /// The notes store the server put in the request.
    pub(crate) fn db() -> Result<NotesDb, ServerFnError> {
        use_context::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<NotesDb>().cloned())
            .ok_or_else(|| {
                tracing::error!("the notes store is not in the request (Extension layer missing)");
                fail(
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "server misconfigured",
                )
            })
    }

    /// A store failure: logged, 503 to the client.
    pub(crate) fn unavailable(e: crate::notes_db::DbError) -> ServerFnError {
        tracing::error!(error = %e, "notes store failed");
        fail(
            http::StatusCode::SERVICE_UNAVAILABLE,
            "Notes are unavailable right now; try again.",
        )
    }
}
