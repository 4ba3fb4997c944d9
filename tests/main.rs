//! End-to-end tests: each starts the real server on a random port with a fresh database
//! (a temporary SQLite file, or a fresh PostgreSQL database when `CHANJIAO_TEST_DATABASE_URL`
//! is set) and talks to it over HTTP, as users and API clients do.

mod e2e;
