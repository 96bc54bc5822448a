-- Each user's notes, keyed by the Cognito `sub` (never by a name or an id the client sends).
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_sub TEXT NOT NULL,
    -- The owner's username when the note was written (admins see per-user counts by name).
    owner_name TEXT NOT NULL,
    text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    created_at INTEGER NOT NULL
);
CREATE INDEX notes_by_owner ON notes (owner_sub, id);
