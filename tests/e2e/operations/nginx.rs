//! nginx in front of test nodes, configured by the documented site file
//! (`deploy/nginx/chanjiao.conf`) with only its lines marked `# test:` rewritten: the upstream
//! servers, the listening ports and the certificate. A self-signed certificate is made with
//! `openssl`; nginx runs in the foreground from a scratch prefix and is stopped on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The documented site file.
pub fn site_example() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx/chanjiao.conf");
    std::fs::read_to_string(path).expect("deploy/nginx/chanjiao.conf")
}

/// The nginx binary, or `None` where it is not installed (CI installs it, and then it must be).
pub fn binary() -> Option<PathBuf> {
    let found =
        ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"].iter().map(PathBuf::from).find(|p| p.exists());
    if found.is_none() && std::env::var_os("CI").is_some() {
        panic!("nginx is not installed (.ci/run installs it)");
    }
    found
}

/// One upstream server line as the example writes it, for `port`, marked down or not.
fn upstream_line(port: u16, down: bool) -> String {
    let down = if down { " down" } else { "" };
    format!("    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s{down};")
}

/// The example with its `# test:` lines rewritten; panics if a marked line is missing, so the
/// example cannot drift away from what this harness runs.
pub fn site(nodes: &[(u16, bool)], http_port: u16, https_port: u16, cert: &Path, key: &Path) -> String {
    let mut seen = Vec::new();
    let lines: Vec<String> = site_example()
        .lines()
        .map(|line| {
            let Some((_, mark)) = line.split_once("# test: ") else { return line.to_owned() };
            seen.push(mark.trim().to_owned());
            match mark.trim() {
                "nodes" => nodes.iter().map(|&(port, down)| upstream_line(port, down)).collect::<Vec<_>>().join("\n"),
                "http listen" => format!("    listen 127.0.0.1:{http_port};"),
                "https listen" => format!("    listen 127.0.0.1:{https_port} ssl http2;"),
                "http listen v6" | "https listen v6" => String::new(),
                "certificate" => format!("    ssl_certificate     {};", cert.display()),
                "key" => format!("    ssl_certificate_key {};", key.display()),
                other => panic!("unknown test mark {other:?} in deploy/nginx/chanjiao.conf"),
            }
        })
        .collect();
    let expected = ["nodes", "http listen", "http listen v6", "https listen", "https listen v6", "certificate", "key"];
    assert_eq!(seen, expected, "the test marks of deploy/nginx/chanjiao.conf");
    lines.join("\n")
}

pub struct Nginx {
    child: Child,
    binary: PathBuf,
    dir: tempfile::TempDir,
    pub https_port: u16,
    pub http_port: u16,
    cert: PathBuf,
    key: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main_conf(dir: &Path) -> String {
    let d = dir.display();
    // As root, nginx's workers would switch to `nobody`, who cannot write the scratch prefix.
    let user = if is_root() { "user root;\n" } else { "" };
    format!(
        "{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         include {d}/site.conf;\n}}\n"
    )
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false)
}

/// A self-signed certificate for localhost.
fn certificate(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "openssl could not make a certificate");
    (cert, key)
}

impl Nginx {
    /// Checks the configuration with `nginx -t`, then starts nginx in the foreground.
    pub fn start(binary: PathBuf, nodes: &[(u16, bool)], http_port: u16, https_port: u16) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = certificate(dir.path());
        let mut nginx =
            Nginx { child: Command::new("true").spawn().unwrap(), binary, dir, https_port, http_port, cert, key };
        std::fs::write(nginx.dir.path().join("nginx.conf"), main_conf(nginx.dir.path())).unwrap();
        nginx.write_site(nodes);
        let test = nginx.command().arg("-t").output().unwrap();
        assert!(test.status.success(), "nginx -t: {}", String::from_utf8_lossy(&test.stderr));
        nginx.child = nginx.command().args(["-g", "daemon off;"]).spawn().expect("start nginx");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", https_port)).is_err() {
            assert!(Instant::now() < deadline, "nginx did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.binary);
        command.arg("-p").arg(self.dir.path()).arg("-c").arg(self.dir.path().join("nginx.conf"));
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        command
    }

    fn write_site(&self, nodes: &[(u16, bool)]) {
        let site = site(nodes, self.http_port, self.https_port, &self.cert, &self.key);
        std::fs::write(self.dir.path().join("site.conf"), site).unwrap();
    }

    /// Rewrites the upstream (marking nodes down or up) and reloads nginx gracefully: new
    /// workers take the new list, old ones finish the requests they hold.
    pub fn reload(&self, nodes: &[(u16, bool)]) {
        self.write_site(nodes);
        let out = self.command().args(["-s", "reload"]).output().unwrap();
        assert!(out.status.success(), "nginx -s reload: {}", String::from_utf8_lossy(&out.stderr));
    }

    pub fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.https_port)
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}
