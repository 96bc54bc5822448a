//! The notes table in SQLite (server only), through sqlx. Every query that reads or changes a
//! note is scoped by the owner's `sub`: there is no way to reach a note by id alone.

use std::str::FromStr;

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
    Row, SqlitePool,
};

use crate::notes_api::{Note, NoteCount, MAX_NOTES_PER_USER};

/// `NOTES_DATABASE_URL`: where the notes live (default [`DEFAULT_URL`]; `sqlite::memory:` in
/// tests).
pub const DATABASE_URL_VARIABLE: &str = "NOTES_DATABASE_URL";
/// The default database: a file under the demo's data folder.
pub const DEFAULT_URL: &str = "sqlite://data/notes.db";

/// The notes store.
#[derive(Clone, Debug)]
pub struct NotesDb {
    pool: SqlitePool,
}

/// Why the notes store failed (logged; the client sees a generic 503).
pub type DbError = sqlx::Error;

/// Worth another try: SQLITE_BUSY / SQLITE_LOCKED (another process holds the database for a
/// moment), or a migration that failed because another process was applying it at the same
/// time (sqlx's SQLite migrator does not lock across processes; the retry then finds it
/// applied).
fn is_busy(e: &DbError) -> bool {
    match e {
        sqlx::Error::Database(d) => matches!(d.code().as_deref(), Some("5" | "6" | "517")),
        sqlx::Error::Migrate(_) => true,
        _ => false,
    }
}

impl NotesDb {
    /// Opens (creating if missing) the database at `url` and applies the migrations. Several
    /// processes may start on one file at once (replicas): a locked database is retried for a
    /// few seconds.
    ///
    /// # Errors
    /// The URL is not a SQLite URL, the file cannot be created, or a migration fails.
    pub async fn open(url: &str) -> Result<Self, DbError> {
        let mut attempt = 0;
        loop {
            match Self::open_once(url).await {
                Err(e) if attempt < 40 && is_busy(&e) => {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => return other,
            }
        }
    }

    async fn open_once(url: &str) -> Result<Self, DbError> {
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let mut options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .foreign_keys(true);
        if memory {
            // One connection that never closes: each in-memory connection is its own database.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?;
            return Self::migrated(pool).await;
        }
        if let Some(dir) = std::path::Path::new(options.get_filename()).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
            }
        }
        options = options.journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Self::migrated(pool).await
    }

    /// Opens `NOTES_DATABASE_URL` from `vars`, else [`DEFAULT_URL`].
    ///
    /// # Errors
    /// See [`open`](Self::open).
    pub async fn from_vars(
        vars: &std::collections::HashMap<String, String>,
    ) -> Result<Self, DbError> {
        let url = vars
            .get(DATABASE_URL_VARIABLE)
            .map(|u| u.trim())
            .filter(|u| !u.is_empty())
            .unwrap_or(DEFAULT_URL);
        Self::open(url).await
    }

    async fn migrated(pool: SqlitePool) -> Result<Self, DbError> {
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The owner's notes, newest first.
    pub async fn list(&self, owner_sub: &str) -> Result<Vec<Note>, DbError> {
        let rows = sqlx::query(
            "SELECT id, text, created_at FROM notes WHERE owner_sub = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(owner_sub)
        .bind(MAX_NOTES_PER_USER as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Note {
                    id: r.try_get("id")?,
                    text: r.try_get("text")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds a note (already validated) unless the owner has [`MAX_NOTES_PER_USER`]; `None`
    /// when at the limit.
    pub async fn create(
        &self,
        owner_sub: &str,
        owner_name: &str,
        text: &str,
        now: i64,
    ) -> Result<Option<Note>, DbError> {
        let row = sqlx::query(
            "INSERT INTO notes (owner_sub, owner_name, text, created_at) \
             SELECT ?1, ?2, ?3, ?4 \
             WHERE (SELECT COUNT(*) FROM notes WHERE owner_sub = ?1) < ?5 \
             RETURNING id",
        )
        .bind(owner_sub)
        .bind(owner_name)
        .bind(text)
        .bind(now)
        .bind(MAX_NOTES_PER_USER as i64)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(Note {
                id: r.try_get("id")?,
                text: text.to_string(),
                created_at: now,
            }),
            None => None,
        })
    }

    /// Deletes the owner's note `id`; `false` when the owner has no such note (whoever else
    /// may have one).
    pub async fn delete(&self, owner_sub: &str, id: i64) -> Result<bool, DbError> {
        let done = sqlx::query("DELETE FROM notes WHERE id = ? AND owner_sub = ?")
            .bind(id)
            .bind(owner_sub)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// How many notes each user has (for admins; never the text), most first.
    pub async fn counts(&self) -> Result<Vec<NoteCount>, DbError> {
        let rows = sqlx::query(
            "SELECT MAX(owner_name) AS name, COUNT(*) AS n FROM notes \
             GROUP BY owner_sub ORDER BY n DESC, name LIMIT 100",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NoteCount {
                    username: r.try_get("name")?,
                    notes: r.try_get::<i64, _>("n")? as u64,
                })
            })
            .collect()
    }

    /// Closes the pool (a restart in tests).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
