//! A real `chanjiao serve` process, for every test that needs one (operations, backups, metrics,
//! the soak benchmark): started on a port of its own with a data directory of its own and only
//! the settings the test gives (inherited `CHANJIAO_*` and `DATABASE_URL` are dropped), its log in
//! `<data_dir>/node.log`; stopped with SIGTERM as systemd stops it, or killed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};

pub struct Node {
    child: Option<Child>,
    pub port: u16,
    pub data_dir: PathBuf,
    /// `None`: the default SQLite file in the data directory.
    database_url: Option<String>,
    env: Vec<(String, String)>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Node {
    /// Starts a node (with the demo data when `demo`); see [`Node::ready`].
    pub fn spawn(data_dir: &Path, database_url: Option<&str>, env: &[(&str, &str)], demo: bool) -> Node {
        let mut node = Node {
            child: None,
            port: free_port(),
            data_dir: data_dir.to_owned(),
            database_url: database_url.map(str::to_owned),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        };
        node.start(demo);
        node
    }

    fn start(&mut self, demo: bool) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chanjiao"));
        command
            .arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--data-dir")
            .arg(&self.data_dir);
        if demo {
            command.arg("--demo");
        }
        for (name, _) in std::env::vars_os() {
            if name.to_str().is_some_and(|n| n.starts_with("CHANJIAO_") || n == "DATABASE_URL") {
                command.env_remove(name);
            }
        }
        if let Some(url) = &self.database_url {
            command.env("DATABASE_URL", url);
        }
        command.env("RUST_LOG", "warn").env("RUST_BACKTRACE", "0");
        for (k, v) in &self.env {
            command.env(k, v);
        }
        // The node's log, appended across restarts, shown when the node misbehaves.
        let log = std::fs::OpenOptions::new().create(true).append(true).open(self.log_path()).expect("node log");
        self.child = Some(command.stdout(Stdio::null()).stderr(log).spawn().expect("start chanjiao serve"));
    }

    /// The node's standard error, appended across restarts.
    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("node.log")
    }

    /// The last lines of the node's log.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// The process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until the node answers `/readyz` with 200.
    pub async fn ready(&mut self, client: &Client) {
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            if let Ok(r) = client.get(format!("{}/readyz", self.base())).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(exit)) = child.try_wait()
            {
                panic!("node on port {} exited ({exit}) before it was ready:\n{}", self.port, self.log_tail());
            }
            assert!(Instant::now() < deadline, "node on port {} did not become ready:\n{}", self.port, self.log_tail());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Sends SIGTERM and waits for the process to exit; returns the `/readyz` statuses seen
    /// while it was shutting down.
    pub async fn terminate(&mut self, client: &Client) -> Vec<u16> {
        let Some(mut child) = self.child.take() else { return Vec::new() };
        let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().expect("kill");
        assert!(status.success());
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(exit) = child.try_wait().unwrap() {
                assert!(exit.success(), "node exited with {exit} after SIGTERM:\n{}", self.log_tail());
                return seen;
            }
            assert!(Instant::now() < deadline, "node did not stop within 60 s of SIGTERM");
            if let Ok(r) = client.get(format!("{}/readyz", self.base())).send().await {
                seen.push(r.status().as_u16());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Kills the process at once (a crash, or a test that only wants it gone).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the node again on the same port and data directory (an upgrade in place).
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "restart a stopped node");
        self.start(false);
    }
}
