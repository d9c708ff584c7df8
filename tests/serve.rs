//! `tmkit serve` driven over HTTP: the real binary on a free loopback port.

mod serve_client;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use serve_client::*;

const EXTRA: &[(&str, &str)] = &[
    ("The file could not be opened.", "无法打开文件。"),
    ("The folder could not be opened.", "无法打开文件夹。"),
    ("Save the document before closing.", "关闭前保存文档。"),
    ("Open the file.", "打开文件。"),
    ("Then save it.", "然后保存。"),
    ("<script>alert(1)</script>", "<script>alert(2)</script>"),
];

fn setup(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = memory(dir.path(), &tmx(n, EXTRA));
    (dir, db)
}

fn add_token(db: &std::path::Path, name: &str, role: &str) -> String {
    let (code, out, err) = cli(db, &["token", "add", name, "--role", role]);
    assert_eq!(code, 0, "{err}");
    let t = out.trim().to_string();
    assert!(t.starts_with("tmk_"), "{out}");
    t
}

#[test]
fn every_endpoint_answers_with_the_objects_of_the_command_line() {
    let (dir, db) = setup(200);
    let s = Server::start(&db, &[]);

    let r = s.get("/healthz");
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));

    // lookup: the same JSON as `tmkit lookup --format json`.
    let q = "The file could not be opened.";
    let r = s.get(&format!("/api/v1/lookup?q={}&to=zh-CN&max=3", enc(q)));
    assert_eq!(r.status, 200, "{}", r.text());
    let (_, cli_out, _) = cli(
        &db,
        &[
            "lookup", q, "--to", "zh-CN", "--max", "3", "--format", "json",
        ],
    );
    let cli_json: serde_json::Value = serde_json::from_str(&cli_out).unwrap();
    assert_eq!(r.json(), cli_json);
    assert_eq!(r.json()[0]["matches"][0]["score"], 100);
    assert_eq!(
        r.json()[0]["matches"][0]["targets"]["zh-CN"],
        "无法打开文件。"
    );
    assert_eq!(
        r.json()[0]["matches"][1]["source"],
        "The folder could not be opened."
    );

    // A batch: neighbours are the context of 101% matches.
    let r = s.post(
        "/api/v1/lookup",
        r#"{"segments": ["Open the file.", "Then save it."], "to": ["zh-CN"], "min": 80}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["query"], "Then save it.");
    assert!(v[1]["matches"][0]["score"].as_u64().unwrap() >= 100, "{v}");

    // concordance
    let r = s.get("/api/v1/concordance?q=could+not+be+opened&to=zh-CN");
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["total"], 2);
    assert_eq!(r.json()["phrase"], "could not be opened");

    // stats
    let r = s.get("/api/v1/stats");
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["units"], 206);

    // units: add one, then the duplicate policy.
    let unit = r#"{"variants": [{"lang": "en", "text": "Print the report."}, {"lang": "zh-CN", "text": "打印报告。"}]}"#;
    let r = s.post("/api/v1/units", unit);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json(), serde_json::json!({"outcome": "added"}));
    let other = r#"{"variants": [{"lang": "en", "text": "Print the report."}, {"lang": "zh-CN", "text": "打印这份报告。"}], "on_duplicate": "skip"}"#;
    assert_eq!(s.post("/api/v1/units", other).json()["outcome"], "skipped");
    assert_eq!(units(&db), 207);

    // import: the summary of `tmkit import --format json`, under the upload's name.
    let upload = tmx(0, &[("A brand new sentence.", "全新的句子。")]);
    let r = s.post("/api/v1/import?name=new.tmx", upload.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(
        (v["added"].as_u64(), v["files"][0]["path"].as_str()),
        (Some(1), Some("new.tmx"))
    );
    let r = s.get(&format!(
        "/api/v1/lookup?q={}&to=zh-CN",
        enc("A brand new sentence.")
    ));
    assert_eq!(r.json()[0]["matches"][0]["origin"], "new.tmx");

    // export: a TMX download with the command line's filters.
    let r = s.get("/api/v1/export?langs=en,zh-CN&origin=new.tmx");
    assert_eq!(r.status, 200);
    let text = r.text();
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(
        text.contains("全新的句子。") && !text.contains("number 5."),
        "{text}"
    );
    assert_eq!(
        text.matches("<tu ").count() + text.matches("<tu>").count(),
        1
    );

    // glossary: add, list, entries, import; then terms and check use it.
    let r = s.post(
        "/api/v1/glossary/ui",
        r#"{"terms": [{"lang": "en", "text": "file"}, {"lang": "zh-CN", "text": "文件"}, {"lang": "zh-CN", "text": "档案", "status": "forbidden"}]}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.get("/api/v1/glossary");
    assert_eq!(r.json()[0]["name"], "ui");
    assert_eq!(r.json()[0]["concepts"], 1);
    let r = s.get("/api/v1/glossary/ui");
    assert_eq!(r.json()[0]["terms"][1]["text"], "文件");
    let tsv = "en\tzh-CN\nprinter\t打印机\n";
    let r = s.post("/api/v1/glossary/hw/import?file=hw.tsv", tsv.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        (
            r.json()["added"].as_u64(),
            r.json()["files"][0]["path"].as_str()
        ),
        (Some(1), Some("hw.tsv"))
    );
    let r = s.get(&format!(
        "/api/v1/terms?q={}&to=zh-CN",
        enc("Open the file on the printer.")
    ));
    assert_eq!(r.status, 200, "{}", r.text());
    let (_, cli_terms, _) = cli(
        &db,
        &[
            "terms",
            "Open the file on the printer.",
            "--to",
            "zh-CN",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        r.json(),
        serde_json::from_str::<serde_json::Value>(&cli_terms).unwrap()
    );
    assert_eq!(r.json().as_array().unwrap().len(), 2);

    // check: a segment pair, and an uploaded TMX.
    let r = s.post(
        "/api/v1/check",
        r#"{"source": "Open the file.", "target": "打开档案。", "to": "zh-CN"}"#.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let kinds: Vec<String> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"forbidden-term".to_string()), "{kinds:?}");
    let bad = tmx(0, &[("Open the file 3 times.", "打开档案4次。")]);
    let r = s.post("/api/v1/check?format=tmx&name=c.tmx", bad.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert!(
        v.as_array().unwrap().iter().any(|f| f["kind"] == "number"),
        "{v}"
    );
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "forbidden-term"),
        "{v}"
    );

    // Unknown endpoints are a JSON 404.
    let r = s.get("/api/v1/nothing");
    assert_eq!(r.status, 404);
    assert!(r.error().contains("no such endpoint"));
    let r = s.get("/api/v1/import");
    assert_eq!(r.status, 405);
    assert!(
        r.error().starts_with("GET is not allowed here"),
        "{}",
        r.error()
    );

    // One structured log line per request, with the token name.
    let log = s.log_lines();
    let line = log
        .iter()
        .find(|l| l.contains("/api/v1/stats"))
        .expect("a log line for stats");
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(
        (
            v["method"].as_str(),
            v["status"].as_u64(),
            v["token"].as_str()
        ),
        (Some("GET"), Some(200), Some("-"))
    );
    assert!(v["ms"].is_number());
    drop(dir);
}

#[test]
fn tokens_and_roles() {
    let (_dir, db) = setup(20);
    let read = add_token(&db, "reader", "read");
    let write = add_token(&db, "writer", "write");
    let admin = add_token(&db, "boss", "admin");
    let (code, out, _) = cli(&db, &["token", "list", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(!out.contains("tmk_"), "the list never shows a token: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[0]["name"], "boss");
    assert_eq!(v[0]["role"], "admin");
    // The memory keeps only hashes.
    let raw = std::fs::read(&db).unwrap();
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap_or_default();
    for t in [&read, &write, &admin] {
        assert!(!raw.windows(t.len()).any(|w| w == t.as_bytes()));
        assert!(!wal.windows(t.len()).any(|w| w == t.as_bytes()));
    }

    let s = Server::start(&db, &[]);
    let before = units(&db);
    // 401: no token, an unknown one, a malformed header.
    let r = s.get("/api/v1/stats");
    assert_eq!(r.status, 401);
    assert!(r.error().contains("Authorization: Bearer"), "{}", r.error());
    assert_eq!(s.get_as("/api/v1/stats", "tmk_nope").status, 401);
    let r = request(
        s.addr,
        "GET",
        "/api/v1/stats",
        &[("Authorization", &read)],
        b"",
    );
    assert_eq!(r.status, 401);
    // /healthz and the page need none.
    assert_eq!(s.get("/healthz").status, 200);
    assert_eq!(s.get("/").status, 200);

    let unit = r#"{"variants": [{"lang": "en", "text": "Role test."}, {"lang": "zh-CN", "text": "角色测试。"}]}"#;
    let upload = tmx(3, &[]);
    let concept =
        r#"{"terms": [{"lang": "en", "text": "role"}, {"lang": "zh-CN", "text": "角色"}]}"#;
    // read: lookups and exports, nothing that writes (403, nothing changed).
    assert_eq!(s.get_as("/api/v1/lookup?q=Role+test.", &read).status, 200);
    assert_eq!(s.get_as("/api/v1/export", &read).status, 200);
    assert_eq!(
        s.get_as("/tmserver/en/zh_CN/unit/Role%20test.", &read)
            .status,
        200
    );
    let r = s.post_as("/api/v1/units", &read, unit);
    assert_eq!(r.status, 403);
    assert!(
        r.error()
            .contains("\"reader\" has the role read; this needs write"),
        "{}",
        r.error()
    );
    assert_eq!(
        s.post_as("/api/v1/import", &read, upload.as_bytes()).status,
        403
    );
    assert_eq!(s.post_as("/api/v1/glossary/g", &read, concept).status, 403);
    assert_eq!(units(&db), before);
    // write: also add and import; not glossaries.
    assert_eq!(s.post_as("/api/v1/units", &write, unit).status, 200);
    assert_eq!(
        s.post_as("/api/v1/import?name=w.tmx", &write, upload.as_bytes())
            .status,
        200
    );
    assert_eq!(units(&db), before + 1);
    let r = s.post_as("/api/v1/glossary/g", &write, concept);
    assert_eq!(r.status, 403);
    assert_eq!(
        s.get_as("/api/v1/glossary", &write).json(),
        serde_json::json!([])
    );
    // admin: glossary changes too.
    assert_eq!(s.post_as("/api/v1/glossary/g", &admin, concept).status, 200);
    assert_eq!(s.get_as("/api/v1/glossary", &read).json()[0]["name"], "g");

    // Tokens over HTTP: admin only.
    let r = s.post_as(
        "/api/v1/tokens",
        &write,
        r#"{"name": "intern", "role": "read"}"#,
    );
    assert_eq!(r.status, 403);
    let r = s.post_as(
        "/api/v1/tokens",
        &admin,
        r#"{"name": "intern", "role": "read"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let intern = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(s.get_as("/api/v1/stats", &intern).status, 200);
    let r = s.get_as("/api/v1/tokens", &admin);
    assert_eq!(r.json().as_array().unwrap().len(), 4);
    assert!(!r.text().contains("tmk_"));
    let r = request(
        s.addr,
        "DELETE",
        "/api/v1/tokens/intern",
        &[("Authorization", &format!("Bearer {admin}"))],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(s.get_as("/api/v1/stats", &intern).status, 401);

    // A removed token is refused from the next request on.
    let (code, _, err) = cli(&db, &["token", "remove", "reader"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(s.get_as("/api/v1/stats", &read).status, 401);
    assert_eq!(s.get_as("/api/v1/stats", &write).status, 200);

    // The log names the token, never shows it.
    let log = s.log_lines().join("\n");
    assert!(log.contains("\"token\":\"writer\""), "{log}");
    assert!(!log.contains("tmk_"), "{log}");
}

#[test]
fn without_tokens_only_loopback_unless_no_auth() {
    let (_dir, db) = setup(5);
    let out = tmkit()
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the memory has no token") && err.contains("--no-auth"),
        "{err}"
    );
    // On loopback without tokens: open.
    let s = Server::start(&db, &[]);
    assert_eq!(s.get("/api/v1/stats").status, 200);
}

#[test]
fn read_only_server_refuses_changes() {
    let (_dir, db) = setup(5);
    let s = Server::start(&db, &["--read-only"]);
    let before = units(&db);
    let r = s.post("/api/v1/import", tmx(2, &[]).as_bytes());
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.error().contains("--read-only"));
    let unit =
        r#"{"variants": [{"lang": "en", "text": "No."}, {"lang": "zh-CN", "text": "不。"}]}"#;
    assert_eq!(s.post("/api/v1/units", unit).status, 403);
    assert_eq!(units(&db), before);
    assert_eq!(
        s.get("/api/v1/lookup?q=The+file+could+not+be+opened.")
            .status,
        200
    );
}

#[test]
fn bad_input_is_refused_with_json_errors_and_changes_nothing() {
    let (_dir, db) = setup(20);
    let s = Server::start(
        &db,
        &[
            "--max-body",
            "2000",
            "--max-upload",
            "5000",
            "--client-timeout",
            "1",
        ],
    );
    let before = units(&db);

    // Malformed JSON, with where.
    let r = s.post("/api/v1/lookup", r#"{"segments": ["a", }"#);
    assert_eq!(r.status, 400);
    assert!(
        r.error().starts_with("malformed JSON: ") && r.error().contains("line 1 column"),
        "{}",
        r.error()
    );
    let r = s.post("/api/v1/lookup", r#"{"segments": ["a"], "colour": 1}"#);
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("unknown field `colour`"),
        "{}",
        r.error()
    );

    // Bodies over the limits.
    let big = format!(r#"{{"segments": ["{}"]}}"#, "a".repeat(3000));
    let r = s.post("/api/v1/lookup", big.as_bytes());
    assert_eq!(r.status, 413);
    assert!(
        r.error().contains("over the limit of 2000 bytes"),
        "{}",
        r.error()
    );
    let r = s.post("/api/v1/import?name=big.tmx", tmx(100, &[]).as_bytes());
    assert_eq!(r.status, 413);
    assert_eq!(units(&db), before);

    // Invalid language tags, numbers, parameters.
    let r = s.get("/api/v1/lookup?q=hello&from=jp");
    assert_eq!(r.status, 400);
    assert!(
        r.error().starts_with("from: invalid language tag \"jp\""),
        "{}",
        r.error()
    );
    let r = s.get("/api/v1/lookup?q=hello&to=zh-CN,klingon-xx-yy-zz");
    assert_eq!(r.status, 400);
    let r = s.get("/api/v1/lookup?q=hello&to=ko");
    assert_eq!(r.status, 400);
    assert!(r.error().contains("no text in ko"), "{}", r.error());
    let r = s.get("/api/v1/lookup?q=hello&min=101");
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("expected a number from 0 to 100"),
        "{}",
        r.error()
    );
    let r = s.get("/api/v1/lookup?q=hello&file=/etc/passwd");
    assert_eq!(r.status, 400);
    assert!(
        r.error().contains("unknown parameter \"file\""),
        "{}",
        r.error()
    );
    let r = s.get("/tmserver/xx_YY_ZZZZZZZZZ/zh_CN/unit/hello");
    assert_eq!(r.status, 400);

    // `..` and absolute paths: never a server-side file.
    for name in ["../m.db", "/etc/passwd", "..", "a/b.tmx", "C:\\x.tmx"] {
        let r = s.post(
            &format!("/api/v1/import?name={}", enc(name)),
            tmx(1, &[]).as_bytes(),
        );
        assert_eq!(r.status, 400, "{name}: {}", r.text());
        assert!(r.error().contains("not a path"), "{}", r.error());
        let r = s.post(
            &format!("/api/v1/check?format=tmx&name={}", enc(name)),
            tmx(1, &[]).as_bytes(),
        );
        assert_eq!(r.status, 400, "{name}");
    }
    let r = s.get("/api/v1/../../etc/passwd");
    assert!(r.status == 404 || r.status == 400, "{}", r.status);
    let r = s.get("/tmserver/en/zh_CN/unit/..%2F..%2Fetc%2Fpasswd");
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), serde_json::json!([]));
    assert_eq!(units(&db), before);

    // SQL metacharacters in every parameter: text, never SQL.
    let evil = "x'; DROP TABLE units; -- \" OR 1=1 %_\\";
    let e = enc(evil);
    for path in [
        format!("/api/v1/lookup?q={e}"),
        format!("/api/v1/lookup?q={e}&from={e}"),
        format!("/api/v1/lookup?q=a&to={e}"),
        format!("/api/v1/lookup?q=a&min={e}"),
        format!("/api/v1/concordance?q={e}"),
        format!("/api/v1/concordance?q=a&lang={e}"),
        format!("/api/v1/terms?q={e}"),
        format!("/api/v1/export?origin={e}"),
        format!("/api/v1/export?changed_since={e}"),
        format!("/api/v1/export?langs={e}"),
        format!("/api/v1/glossary/{e}"),
        format!("/api/v1/glossary/ui?search={e}"),
        format!("/tmserver/en/zh_CN/unit/{e}"),
        format!("/tmserver/{e}/zh_CN/unit/a"),
    ] {
        let r = s.get(&path);
        assert!(
            r.status == 200 || r.status == 400,
            "{path}: {} {}",
            r.status,
            r.text()
        );
        assert!(
            r.body.starts_with(b"[") || r.body.starts_with(b"{") || r.body.starts_with(b"<?xml"),
            "{path}: {}",
            r.text()
        );
    }
    let r = s.post(
        "/api/v1/units",
        format!(r#"{{"variants": [{{"lang": "en", "text": "{0}"}}, {{"lang": "zh-CN", "text": "{0}"}}], "tuid": "{0}"}}"#, evil.replace('\\', "\\\\").replace('"', "\\\"")).as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.get(&format!("/api/v1/lookup?q={e}&to=zh-CN"));
    assert_eq!(r.json()[0]["matches"][0]["targets"]["zh-CN"], evil);
    assert_eq!(units(&db), before + 1);

    // A TMX that is not well-formed: refused at its line and column, memory unchanged.
    let mut broken = tmx(10, &[]);
    broken.truncate(broken.rfind("</tu>").unwrap());
    let r = s.post("/api/v1/import?name=broken.tmx", broken.as_bytes());
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.error().starts_with("broken.tmx:"), "{}", r.error());
    assert!(
        !r.error().contains("tmkit-serve-"),
        "no server path: {}",
        r.error()
    );
    assert_eq!(units(&db), before + 1);

    // A slow client: a request head that never ends is cut off; a body that pauses gets 408.
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    c.write_all(b"GET /api/v1/stats HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut buf = Vec::new();
    let _ = std::io::Read::read_to_end(&mut c, &mut buf);
    assert!(
        !String::from_utf8_lossy(&buf).contains("200 OK"),
        "{}",
        String::from_utf8_lossy(&buf)
    );
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    c.write_all(b"POST /api/v1/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"segm").unwrap();
    let r = read_response(&mut c);
    assert_eq!(r.status, 408, "{}", r.text());
    assert!(r.error().contains("paused"), "{}", r.error());
    // A request head over the limit.
    let long = "a".repeat(20_000);
    let r = request(s.addr, "GET", "/healthz", &[("X-Long", &long)], b"");
    assert_eq!(r.status, 431);
    assert_eq!(s.get("/healthz").status, 200);
}

#[test]
fn an_upload_cut_off_mid_way_leaves_the_memory_unchanged() {
    let (_dir, db) = setup(0);
    let s = Server::start(&db, &[]);
    let before = units(&db);
    let body = tmx(3000, &[]);
    let mut c = TcpStream::connect(s.addr).unwrap();
    write!(
        c,
        "POST /api/v1/import?name=cut.tmx HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    c.write_all(&body.as_bytes()[..body.len() / 2]).unwrap();
    c.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    drop(c);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(units(&db), before);
    // The server goes on, and a whole upload goes in.
    let r = s.post("/api/v1/import?name=whole.tmx", body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(units(&db), before + 3000);
    let log = s.log_lines().join("\n");
    assert!(
        log.contains("\"path\":\"/api/v1/import\",\"status\":400"),
        "{log}"
    );
}

#[test]
fn sigterm_lets_a_batch_lookup_finish_and_refuses_new_requests() {
    let (_dir, db) = setup(2000);
    // A grace period longer than the batch takes on a loaded machine.
    let mut s = Server::start(&db, &["--grace", "300"]);
    let segments: Vec<String> = (0..1000)
        .map(|i| format!("The window sends the memory to the folder number {i}."))
        .collect();
    let body = serde_json::to_vec(&serde_json::json!({ "segments": segments, "max": 1 })).unwrap();
    let addr = s.addr;
    let batch = std::thread::spawn(move || request(addr, "POST", "/api/v1/lookup", &[], &body));
    // Connections are accepted in order: once a later one is answered, the batch's is being
    // served (its lookups take seconds).
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(s.get("/healthz").status, 200);
    std::thread::sleep(Duration::from_millis(300));
    s.term();
    let r = batch.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json().as_array().unwrap().len(), 1000);
    assert_eq!(s.wait(), 0);
    assert!(TcpStream::connect(addr).is_err(), "it stopped listening");
    let log = s.log_lines().join("\n");
    assert!(log.contains("\"event\":\"shutdown\""), "{log}");
}

#[test]
fn sigterm_during_an_import_commits_it_or_leaves_nothing() {
    for grace in ["30", "0"] {
        let (_dir, db) = setup(0);
        let before = units(&db);
        let mut s = Server::start(&db, &["--grace", grace]);
        let body = tmx(20_000, &[]);
        let addr = s.addr;
        let up = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
            write!(
                c,
                "POST /api/v1/import?name=big.tmx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .unwrap();
            c.write_all(body.as_bytes()).unwrap();
            let mut raw = Vec::new();
            let _ = std::io::Read::read_to_end(&mut c, &mut raw);
            raw
        });
        std::thread::sleep(Duration::from_millis(400));
        s.term();
        let raw = up.join().unwrap();
        assert_eq!(s.wait(), 0);
        let after = units(&db);
        if grace == "30" {
            let r = parse_response(&raw);
            assert_eq!(r.status, 200, "{}", r.text());
            assert_eq!(after, before + 20_000);
        } else {
            assert!(
                after == before || after == before + 20_000,
                "half an import: {after}"
            );
            if after == before {
                assert!(!String::from_utf8_lossy(&raw).contains("200 OK"));
            }
        }
        let (code, out, err) = cli(
            &db,
            &[
                "lookup",
                "The file could not be opened.",
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 0, "{out}{err}");
    }
}

#[test]
fn tmserver_api_answers_like_translate_toolkits_tmserver() {
    let dir = tempfile::tempdir().unwrap();
    let text = tmx(300, EXTRA);
    let db = memory(dir.path(), &text);
    let file = dir.path().join("seed.tmx");
    let s = Server::start(&db, &[]);
    let port = free_port();
    let mut ts = std::process::Command::new("tmserver")
        .args(["-d"])
        .arg(dir.path().join("tmserver.db"))
        .arg("-f")
        .arg(&file)
        .args([
            "-s",
            "en",
            "-t",
            "zh_CN",
            "-b",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Debian's tmserver (translate-toolkit and python3-cheroot) is installed");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let ts_addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let start = std::time::Instant::now();
    loop {
        if TcpStream::connect(ts_addr).is_ok() {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "tmserver did not start"
        );
        if let Some(status) = ts.try_wait().unwrap() {
            panic!("tmserver exited: {status}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ts = Kill(ts);
    let queries = [
        "The file could not be opened.",
        "The folder could not be opened.",
        "The files could not be opened.",
        "Save the document before closing.",
        "Save the documents before closing it.",
        "The window sends the memory to the server number 12.",
        "The report sends the window to the memory number 123.",
        "The report sends the window to the memory number 1234.",
        "Nothing like this is in the memory at all.",
        "<script>alert(1)</script>",
    ];
    let mut exact = 0;
    for q in queries {
        let path = format!("/tmserver/en/zh_CN/unit/{}", enc(q));
        let theirs = request(ts_addr, "GET", &path, &[], b"");
        assert_eq!(theirs.status, 200, "{q}: {}", theirs.text());
        let ours = s.get(&path);
        assert_eq!(ours.status, 200, "{q}: {}", ours.text());
        let (theirs, ours) = (theirs.json(), ours.json());
        let (t, o) = (theirs.as_array().unwrap(), ours.as_array().unwrap());
        // Same fields, same JSON types.
        for m in t.iter().chain(o) {
            assert!(m["source"].is_string() && m["target"].is_string(), "{m}");
            assert!(m["context"].is_string(), "{m}");
            assert!(m["quality"].is_f64(), "{m}");
        }
        for m in o {
            assert!(m["rank"].is_f64(), "{m}");
            let keys: Vec<&String> = m.as_object().unwrap().keys().collect();
            for k in t
                .first()
                .map(|x| x.as_object().unwrap().keys().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                assert!(keys.contains(&k), "{k} missing in {m}");
            }
        }
        // Where tmserver finds an exact match, tmkit's first match is that unit.
        if let Some(best) = t.first()
            && best["quality"].as_f64() == Some(100.0)
        {
            exact += 1;
            assert_eq!(o[0]["source"], best["source"], "{q}");
            assert_eq!(o[0]["target"], best["target"], "{q}");
            assert_eq!(o[0]["quality"].as_f64(), Some(100.0));
        }
        // Best first.
        let qs: Vec<f64> = o.iter().map(|m| m["quality"].as_f64().unwrap()).collect();
        assert!(qs.windows(2).all(|w| w[0] >= w[1]), "{qs:?}");
    }
    assert!(exact >= 5, "{exact} exact matches");
    // Language codes as clients send them.
    let r = s.get(&format!(
        "/tmserver/en_US/zh_CN/unit/{}",
        enc("The file could not be opened.")
    ));
    assert_eq!(r.json()[0]["target"], "无法打开文件。");
}

#[path = "common/webdriver.rs"]
mod webdriver;

/// How long the search page may take to show what a search found.
const PAGE_WAIT: Duration = Duration::from_secs(20);

/// A memory of `setup(50)` with the glossary term file = 文件.
fn setup_with_a_term() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, db) = setup(50);
    let (code, _, err) = cli(
        &db,
        &["glossary", "add", "en=file", "zh-CN=文件", "-n", "ui"],
    );
    assert_eq!(code, 0, "{err}");
    (dir, db)
}

/// Waits until the search page shows the results of a search for `query` (the text above the
/// matches is `query` and the status line is empty); fails the test if it shows an error or no
/// match instead.
fn wait_for_matches(browser: &webdriver::Browser, query: &str) {
    let script = format!(
        "const status = document.getElementById('status').textContent;
         if (status && status !== 'searching…') return {{ error: status }};
         const q = document.querySelector('#results .match.query .text');
         if (status !== '' || !q || q.textContent !== {}) return null;
         const n = document.querySelectorAll('#results .match[data-band]').length;
         return n > 0 ? {{ matches: n }} : {{ error: 'no match' }};",
        serde_json::to_string(query).unwrap()
    );
    let v = browser.wait_for(&format!("the matches of {query:?}"), PAGE_WAIT, &script);
    assert!(
        v["error"].is_null(),
        "the page says {} for {query:?}",
        v["error"]
    );
}

/// The matches the search page shows: score badge, band, word diff (as HTML) and translations.
const SHOWN_MATCHES: &str =
    "return [...document.querySelectorAll('#results .match[data-band]')].map(d => ({
    badge: d.querySelector('.badge').textContent,
    band: d.dataset.band,
    diff: d.querySelector('.diff').innerHTML,
    diff_text: d.querySelector('.diff').textContent,
    targets: [...d.querySelectorAll('.target span[lang]')].map(s => [s.lang, s.textContent]),
}));";

#[test]
fn the_search_page_shows_matches_with_the_word_diff_and_terms_and_escapes_every_text() {
    let (dir, db) = setup_with_a_term();
    let s = Server::start(&db, &[]);

    // Self-contained, under a strict CSP.
    let r = s.get("/");
    assert_eq!(r.status, 200);
    let csp = r
        .header("content-security-policy")
        .expect("a CSP header")
        .to_string();
    assert!(
        csp.starts_with("default-src 'none'; script-src 'self'; style-src 'self'"),
        "{csp}"
    );
    for part in ["/", "/page.js", "/page.css"] {
        let r = s.get(part);
        assert_eq!(r.status, 200, "{part}");
        assert_eq!(r.header("content-security-policy"), Some(csp.as_str()));
        let text = r.text();
        assert!(
            !text.contains("http:") && !text.contains("https:") && !text.contains("url("),
            "{part} loads nothing from elsewhere"
        );
    }
    assert!(!r.text().contains("innerHTML"));

    // A user opens the page, types a sentence of the memory and presses Search.
    let browser = webdriver::Browser::start(&dir.path().join("profile"));
    browser.goto(&format!("http://{}/", s.addr));
    assert_eq!(
        browser.script("return document.scripts.length"),
        1,
        "the page's own script: {}",
        browser.html()
    );
    let before = browser.script(
        "return [document.getElementById('results-section').hidden, \
         document.getElementById('results').childElementCount]",
    );
    assert_eq!(before, serde_json::json!([true, 0]), "nothing shown yet");
    let q = "The file could not be opened.";
    let input = browser.find("#q");
    browser.send_keys(&input, q);
    browser.click(&browser.find("#search button[type=submit]"));
    wait_for_matches(&browser, q);

    // The matches the API finds for the page's query, each with its score and translation.
    let api = s.get(&format!(
        "/api/v1/lookup?q={}&from=en&to={}&min=50&max=10&diff=true",
        enc(q),
        enc("zh-CN,ja-JP")
    ));
    assert_eq!(api.status, 200, "{}", api.text());
    let api = api.json()[0]["matches"].as_array().unwrap().clone();
    let shown = browser.script(SHOWN_MATCHES);
    let shown = shown.as_array().unwrap();
    let badges: Vec<String> = shown
        .iter()
        .map(|m| m["badge"].as_str().unwrap().to_string())
        .collect();
    let scores: Vec<String> = api.iter().map(|m| format!("{}%", m["score"])).collect();
    assert_eq!(badges, scores, "the page shows every match with its score");
    for (m, a) in shown.iter().zip(&api) {
        // (language, translation) pairs, in the order of the languages.
        let mut expected: Vec<(String, String)> = a["targets"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(lang, text)| (lang.clone(), text.as_str().unwrap().to_string()))
            .collect();
        let mut targets: Vec<(String, String)> =
            serde_json::from_value(m["targets"].clone()).unwrap();
        expected.sort();
        targets.sort();
        assert_eq!(targets, expected, "{m}");
    }
    // The exact match, then the fuzzy one with its word diff.
    assert_eq!(shown[0]["band"], "exact", "{shown:?}");
    assert_eq!(shown[0]["diff"], q, "no difference is marked");
    assert_eq!(
        shown[0]["targets"],
        serde_json::json!([["zh-CN", "无法打开文件。"]])
    );
    let fuzzy = shown
        .iter()
        .find(|m| m["diff_text"].as_str().unwrap().contains("folder"))
        .unwrap_or_else(|| panic!("the near match \"The folder could not be opened.\": {shown:?}"));
    assert!(
        ["95-99", "85-94", "75-84", "50-74"].contains(&fuzzy["band"].as_str().unwrap()),
        "{fuzzy}"
    );
    let diff = fuzzy["diff"].as_str().unwrap();
    assert!(
        diff.contains("<del title=\"in the memory's source, not in the text\">folder</del>")
            && diff.contains("<ins title=\"in the text, not in the memory's source\">file</ins>"),
        "{diff}"
    );
    assert_eq!(
        fuzzy["targets"],
        serde_json::json!([["zh-CN", "无法打开文件夹。"]])
    );
    // The term, highlighted in the query, and listed with its translation.
    let terms = browser.script(
        "return [document.querySelector('#results .match.query .text').innerHTML, \
         document.getElementById('terms-section').hidden, \
         document.getElementById('terms').innerHTML]",
    );
    assert_eq!(
        terms[0],
        "The <mark class=\"term\" title=\"file\">file</mark> could not be opened."
    );
    assert_eq!(terms[1], false, "the termbase is shown");
    assert!(
        terms[2]
            .as_str()
            .unwrap()
            .contains("<span lang=\"zh-CN\">文件</span>"),
        "{terms}"
    );

    // A unit whose text is markup stays text: typed in, found, and shown as it is written.
    let q = "<script>alert(1)</script>";
    browser.clear(&input);
    browser.send_keys(&input, q);
    browser.click(&browser.find("#search button[type=submit]"));
    wait_for_matches(&browser, q);
    assert_eq!(browser.dialog(), None, "no script from the memory ran");
    let html = browser.html();
    assert_eq!(
        browser.script("return document.scripts.length"),
        1,
        "only the page's own script: {html}"
    );
    let shown = browser.script(SHOWN_MATCHES);
    assert_eq!(shown[0]["band"], "exact", "{html}");
    assert_eq!(shown[0]["diff_text"], q, "{html}");
    assert_eq!(
        shown[0]["targets"],
        serde_json::json!([["zh-CN", "<script>alert(2)</script>"]]),
        "{html}"
    );
    let visible = browser.script("return document.getElementById('results').innerText");
    assert!(
        visible
            .as_str()
            .unwrap()
            .contains("<script>alert(2)</script>"),
        "the text is visible as written: {visible}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn a_link_to_a_search_fills_the_search_page_and_runs_it() {
    let (dir, db) = setup_with_a_term();
    let s = Server::start(&db, &[]);
    let browser = webdriver::Browser::start(&dir.path().join("profile"));
    let q = "Open the files.";
    browser.goto(&format!("http://{}/?q={}&to=zh-CN", s.addr, enc(q)));
    wait_for_matches(&browser, q);
    let form = browser
        .script("return [document.getElementById('q').value, document.getElementById('to').value]");
    assert_eq!(form, serde_json::json!([q, "zh-CN"]));

    let dom = browser.html();
    let results = &dom[dom.find("<div id=\"results\">").expect("results")..];
    assert!(
        results.contains("<p class=\"label\">Text</p><p class=\"text\">Open the <mark"),
        "{results}"
    );
    // The match, its score, the word diff and the translation.
    assert!(
        dom.contains("data-band=\"85-94\"") || dom.contains("data-band=\"75-84\""),
        "{dom}"
    );
    assert!(
        dom.contains("<ins title=\"in the text, not in the memory's source\">files</ins>")
            || dom.contains("<del title=\"in the memory's source, not in the text\">file</del>"),
        "{dom}"
    );
    assert!(dom.contains("打开文件。"), "{dom}");
    // The term, highlighted in the query, and listed with its translation.
    assert!(
        dom.contains("<mark class=\"term\" title=\"file\">files</mark>"),
        "{dom}"
    );
    assert!(dom.contains("<span lang=\"zh-CN\">文件</span>"), "{dom}");
}

#[test]
fn the_command_line_and_the_server_share_the_memory_and_lookups_answer_during_an_import() {
    let (_dir, db) = setup(0);
    let s = Server::start(&db, &[]);
    let q = "/api/v1/lookup?q=Written+by+the+command+line.&to=zh-CN";
    // Read once, so that the reader's caches hold the index as it was.
    for _ in 0..8 {
        assert_eq!(s.get(q).json()[0]["matches"], serde_json::json!([]));
    }
    let (code, _, err) = cli(
        &db,
        &[
            "add",
            "--lang",
            "en",
            "Written by the command line.",
            "--lang",
            "zh-CN",
            "由命令行写入。",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // Every reader sees the change (its caches are dropped when the memory changes).
    for _ in 0..8 {
        assert_eq!(
            s.get(q).json()[0]["matches"][0]["targets"]["zh-CN"],
            "由命令行写入。"
        );
    }

    // While an import runs, lookups answer from the last commit: never half of the import.
    let body = tmx(20_000, &[]);
    let addr = s.addr;
    let up = std::thread::spawn(move || {
        request(
            addr,
            "POST",
            "/api/v1/import?name=big.tmx",
            &[],
            body.as_bytes(),
        )
    });
    // Two units of the import, looked up in one batch (one snapshot): both or neither.
    let probes = serde_json::to_vec(&serde_json::json!({
        "segments": [
            "The server sends the server to the server number 0.",
            "The picture sends the picture to the picture number 19999."
        ],
        "to": "zh-CN",
        "min": 100
    }))
    .unwrap();
    let mut during = 0;
    while !up.is_finished() {
        let r = s.post("/api/v1/lookup", &probes);
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        let first = v[0]["matches"].as_array().unwrap().is_empty();
        let last = v[1]["matches"].as_array().unwrap().is_empty();
        assert_eq!(first, last, "half an import seen: {v}");
        if first {
            during += 1;
        }
    }
    let r = up.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(during > 0, "no lookup answered while the import ran");
    let v = s.post("/api/v1/lookup", &probes).json();
    assert!(v[0]["matches"][0]["score"].as_u64().unwrap() >= 100, "{v}");
    assert!(v[1]["matches"][0]["score"].as_u64().unwrap() >= 100, "{v}");
}

#[test]
fn uploads_at_once_are_limited() {
    let (_dir, db) = setup(0);
    let s = Server::start(&db, &["--max-uploads", "1", "--client-timeout", "120"]);
    let body = tmx(5, &[]);
    // A slow upload takes the only slot; one that got there too late was refused at once
    // (nothing to read yet means it holds the slot).
    let mut slow = None;
    for _ in 0..50 {
        let mut c = TcpStream::connect(s.addr).unwrap();
        write!(
            c,
            "POST /api/v1/import?name=slow.tmx HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .unwrap();
        c.write_all(&body.as_bytes()[..10]).unwrap();
        c.flush().unwrap();
        assert_eq!(s.get("/healthz").status, 200);
        std::thread::sleep(Duration::from_millis(200));
        c.set_nonblocking(true).unwrap();
        let mut probe = [0u8; 1];
        let answered = std::io::Read::read(&mut c, &mut probe).is_ok();
        c.set_nonblocking(false).unwrap();
        if !answered {
            slow = Some(c);
            break;
        }
    }
    let mut slow = slow.expect("a slow upload holds the slot");
    let r = s.post("/api/v1/import?name=second.tmx", body.as_bytes());
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(
        r.error().contains("1 uploads are being received already"),
        "{}",
        r.error()
    );
    // Lookups are not uploads.
    assert_eq!(s.get("/api/v1/stats").status, 200);
    slow.write_all(&body.as_bytes()[10..]).unwrap();
    let r = read_response(&mut slow);
    assert_eq!(r.status, 200, "{}", r.text());
    let r = s.post("/api/v1/import?name=third.tmx", body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
}

/// The nice value of each thread of process `pid` by name (Linux's `/proc`).
#[cfg(target_os = "linux")]
fn thread_nice(pid: u32) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let dir = task.unwrap().path();
        let name = std::fs::read_to_string(dir.join("comm")).unwrap();
        let stat = std::fs::read_to_string(dir.join("stat")).unwrap();
        // After the name in parentheses: state is field 3, nice field 19.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let nice: i64 = rest.split(' ').nth(16).unwrap().parse().unwrap();
        out.push((name.trim().to_string(), nice));
    }
    out
}

#[cfg(target_os = "linux")]
#[test]
fn the_writer_makes_way_for_the_readers() {
    let (_dir, db) = setup(3);
    let s = Server::start(&db, &[]);
    let threads = thread_nice(s.child.id());
    let nice_of = |name: &str| {
        threads
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, nice)| *nice)
            .unwrap_or_else(|| panic!("no thread {name} in {threads:?}"))
    };
    // Imports and other changes run 10 nice steps below the lookups (README, Concurrency).
    let reader = nice_of("tmkit-reader-0");
    assert_eq!(
        nice_of("tmkit-writer"),
        (reader + 10).min(19),
        "{threads:?}"
    );
}
