//! The client core with a scripted transport and a virtual clock.

use super::*;
use crate::api::{self, Endpoint};
use crate::error::{Error, ErrorKind};
use futures::executor::LocalPool;
use futures::task::LocalSpawnExt;
use secrecy::ExposeSecret;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// Virtual time: `sleep` advances it at once and records the wait.
#[derive(Clone, Default)]
struct VClock {
    now: Rc<Cell<u64>>,
    slept: Rc<RefCell<Vec<u64>>>,
}

impl Clock for VClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
    async fn sleep(&self, ms: u64) -> Result<(), Error> {
        self.slept.borrow_mut().push(ms);
        self.now.set(self.now.get() + ms);
        YieldOnce(false).await;
        Ok(())
    }
    fn random(&self) -> f64 {
        0.5
    }
}

impl Detach for VClock {
    fn detach(&self) -> Self {
        self.clone()
    }
}

/// The waits of `clock` other than a waiter's looks at the shared refresh.
fn backoffs(clock: &VClock) -> Vec<u64> {
    let slept = clock.slept.borrow();
    slept
        .iter()
        .copied()
        .filter(|&ms| ms != tokens::FLIGHT_POLL_MS)
        .collect()
}

struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

type Script = dyn Fn(&HttpRequest, &Platform) -> Result<HttpResponse, TransportError>;

/// A scripted platform: issues tokens (each invalidating the last) and
/// answers other calls through `script`.
#[derive(Default)]
struct Platform {
    current: RefCell<Option<String>>,
    issued: Cell<u32>,
    seen: RefCell<Vec<HttpRequest>>,
}

impl Platform {
    fn issue(&self) -> HttpResponse {
        let n = self.issued.get() + 1;
        self.issued.set(n);
        let token = format!("tok{n}");
        *self.current.borrow_mut() = Some(token.clone());
        ok(
            json!({"item": {"token": token, "expires_in": "86400"}, "ret_code": "000000", "ret_msg": "操作成功"}),
        )
    }
    fn token_ok(&self, req: &HttpRequest) -> bool {
        let sent = req
            .headers
            .iter()
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.clone());
        sent.is_some() && sent == *self.current.borrow()
    }
    fn sends(&self) -> usize {
        self.seen
            .borrow()
            .iter()
            .filter(|r| r.url.ends_with("/send"))
            .count()
    }
    fn calls_to(&self, suffix: &str) -> usize {
        self.seen
            .borrow()
            .iter()
            .filter(|r| r.url.split('?').next().unwrap().ends_with(suffix))
            .count()
    }
}

fn ok(v: Value) -> HttpResponse {
    HttpResponse {
        status: 200,
        retry_after: None,
        body: v.to_string().into_bytes(),
    }
}

fn status(code: u16, body: &str, retry_after: Option<&str>) -> HttpResponse {
    HttpResponse {
        status: code,
        retry_after: retry_after.map(str::to_owned),
        body: body.as_bytes().to_vec(),
    }
}

#[derive(Clone)]
struct Fake {
    platform: Rc<Platform>,
    script: Rc<Script>,
}

impl Detach for Fake {
    fn detach(&self) -> Self {
        self.clone()
    }
}

impl Transport for Fake {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        YieldOnce(false).await;
        self.platform.seen.borrow_mut().push(req.clone());
        if req.url.contains("/api/get_token") {
            return Ok(self.platform.issue());
        }
        if !self.platform.token_ok(&req) {
            return Ok(ok(
                json!({"ret_code": "900002", "ret_msg": "token 已失效,请重新获取"}),
            ));
        }
        (self.script)(&req, &self.platform)
    }
}

fn config() -> SobotConfig {
    SobotConfig {
        credentials: Credentials {
            app_id: "app".into(),
            app_key: "KEY".into(),
            base_url: "http://emu".into(),
            allow_insecure_http: true,
        },
        timeout_ms: None,
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 100,
            max_delay_ms: 2_000,
        },
        refresh_margin_ms: 60_000,
        on_attempt: AttemptHook::default(),
    }
}

fn client_with(
    script: impl Fn(&HttpRequest, &Platform) -> Result<HttpResponse, TransportError> + 'static,
) -> (Harness, Rc<Platform>, VClock) {
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let fake = Fake {
        platform: platform.clone(),
        script: Rc::new(script),
    };
    let h = Harness {
        client: SobotClient::new(config(), MemoryStore::default()),
        fake,
        clock: clock.clone(),
    };
    (h, platform, clock)
}

/// A client with the transport and clock its calls use.
struct Harness<S = MemoryStore> {
    client: SobotClient<S>,
    fake: Fake,
    clock: VClock,
}

impl<S: TokenStore + 'static> Harness<S> {
    async fn call(
        &self,
        e: &Endpoint,
        req: &Value,
        o: CallOptions,
    ) -> (Result<Value, Error>, sobot::CallReport) {
        let (r, report) = self.client.call(&self.fake, &self.clock, e, req, o).await;
        (r.map(|j| j.value().unwrap()), report)
    }
    fn tokens(&self) -> &tokens::TokenManager<S> {
        self.client.tokens()
    }
}

fn page() -> Value {
    json!({"items": [], "page_count": 0, "page_no": 1, "page_size": 15, "ret_code": "000000", "ret_msg": "成功", "total_count": 0})
}

fn run<F: Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

fn tasks() -> &'static Endpoint {
    &api::LINE_QUERY_TASK_LIST
}

fn text_send() -> Value {
    json!({"messaging_type": "RESPONSE", "recipientid": "R", "pageid": "P", "type": "text", "payload": "hi"})
}

#[test]
fn invalid_requests_send_nothing() {
    let (c, p, _) = client_with(|_, _| Ok(ok(page())));
    let (r, rep) = run(c.call(
        &api::MESSENGER_SEND,
        &json!({"pageid": "P"}),
        CallOptions::default(),
    ));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    assert!(!e.violations.is_empty());
    assert_eq!(e.endpoint, Some("messenger.send"));
    assert!(p.seen.borrow().is_empty());
    assert_eq!(rep.attempts, 0);
}

#[test]
fn one_token_for_many_calls_and_the_answer_in_document_names() {
    let (c, p, _) = client_with(|_, _| Ok(ok(page())));
    for _ in 0..5 {
        let (r, _) = run(c.call(tasks(), &json!({"page_no": 1}), CallOptions::default()));
        assert_eq!(r.unwrap()["page_size"], 15);
    }
    assert_eq!(p.calls_to("/api/get_token"), 1);
    let last = p.seen.borrow().last().cloned().unwrap();
    assert_eq!(last.method, "POST");
    assert_eq!(last.body.as_deref(), Some(r#"{"page_no":1}"#));
    assert_eq!(last.headers, vec![("token", "tok1".to_owned())]);
}

#[test]
fn get_parameters_go_in_the_query() {
    let (c, p, _) =
        client_with(|_, _| Ok(ok(json!({"item": "https://x/y.png", "ret_code": "000000"}))));
    let (r, _) = run(c.call(
        &api::LINE_GET_MEDIA_CONTENT,
        &json!({"appid": "a b", "messageid": "1501597916"}),
        CallOptions::default(),
    ));
    assert_eq!(r.unwrap(), json!("https://x/y.png"));
    let req = p.seen.borrow().last().cloned().unwrap();
    assert_eq!(
        req.url,
        "http://emu/chat-line/api/line/get_media_content?appid=a%20b&messageid=1501597916"
    );
    assert_eq!(req.body, None);
}

#[test]
fn concurrent_calls_share_one_refresh() {
    let (c, p, _) = client_with(|_, _| Ok(ok(page())));
    let c = Rc::new(c);
    let mut pool = LocalPool::new();
    let done = Rc::new(Cell::new(0));
    for _ in 0..200 {
        let c = c.clone();
        let done = done.clone();
        pool.spawner()
            .spawn_local(async move {
                let (r, _) = c.call(tasks(), &json!({}), CallOptions::default()).await;
                r.unwrap();
                done.set(done.get() + 1);
            })
            .unwrap();
    }
    pool.run();
    assert_eq!(done.get(), 200);
    assert_eq!(p.calls_to("/api/get_token"), 1);
    assert_eq!(c.tokens().stats().requests, 1);
}

#[test]
fn refreshes_ahead_of_expiry() {
    let (c, p, clock) = client_with(|_, _| Ok(ok(page())));
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    clock.now.set(clock.now.get() + 86_400_000 - 60_000 - 1);
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    assert_eq!(p.calls_to("/api/get_token"), 1);
    clock.now.set(clock.now.get() + 2);
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    assert_eq!(p.calls_to("/api/get_token"), 2);
}

#[test]
fn a_replaced_token_is_refreshed_once_and_the_call_repeated_once() {
    let (c, p, _) = client_with(|req, _| {
        Ok(ok(if req.url.ends_with("/send") {
            json!({"item": {"message_id": "m_1"}, "ret_code": "000000"})
        } else {
            page()
        }))
    });
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    // Someone else gets a token: ours is now invalid.
    p.issue();
    let (r, rep) = run(c.call(&api::MESSENGER_SEND, &text_send(), CallOptions::default()));
    assert_eq!(r.unwrap(), json!({"message_id": "m_1"}));
    assert!(rep.token_refreshed);
    assert_eq!(p.sends(), 2); // the refused one and the repeat: one processed
}

#[test]
fn token_refusal_never_loops() {
    // The platform refuses every token.
    let (c, p, _) = client_with(|_, _| {
        Ok(ok(
            json!({"ret_code": "900002", "ret_msg": "token 已失效,请重新获取"}),
        ))
    });
    let (r, _) = run(c.call(tasks(), &json!({}), CallOptions::default()));
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Api, Some("900002"))
    );
    let rounds = 1 + sobot::MAX_TOKEN_REFRESHES as usize;
    assert_eq!(p.calls_to("/api/get_token"), rounds);
    assert_eq!(p.calls_to("/query_task_list"), rounds);
}

#[test]
fn a_token_replaced_again_during_the_repeat_is_refreshed_again() {
    // The token turns over twice while the call is in flight: the first
    // attempt's token is replaced, then the repeat's.
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let (c, p, _) = client_with(move |_, platform| {
        n2.set(n2.get() + 1);
        if n2.get() == 2 {
            platform.issue();
            return Ok(ok(
                json!({"ret_code": "900002", "ret_msg": "token 已失效,请重新获取"}),
            ));
        }
        Ok(ok(page()))
    });
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    p.issue();
    let (r, rep) = run(c.call(tasks(), &json!({}), CallOptions::default()));
    assert_eq!(r.unwrap()["page_size"], 15);
    assert!(rep.token_refreshed);
    // tok1 (first call) refused, tok3 replaced by tok4 while in flight, tok5 accepted.
    assert_eq!(p.calls_to("/query_task_list"), 4);
    assert_eq!(p.calls_to("/api/get_token"), 3);
}

#[test]
fn reads_are_retried_on_5xx_with_backoff() {
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let (c, p, clock) = client_with(move |_, _| {
        n2.set(n2.get() + 1);
        Ok(if n2.get() < 3 {
            status(503, "<html>busy</html>", None)
        } else {
            ok(page())
        })
    });
    let (r, rep) = run(c.call(tasks(), &json!({}), CallOptions::default()));
    r.unwrap();
    assert_eq!(rep.attempts, 3);
    assert_eq!(p.calls_to("/query_task_list"), 3);
    assert_eq!(backoffs(&clock), vec![50, 100]); // full jitter at 0.5
}

/// A client whose `onAttempt` hook records every attempt.
fn observed(
    script: impl Fn(&HttpRequest, &Platform) -> Result<HttpResponse, TransportError> + 'static,
) -> (Harness, Rc<RefCell<Vec<AttemptEvent>>>) {
    let (mut h, _, _) = client_with(script);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let mut cfg = config();
    cfg.on_attempt = AttemptHook::new(move |e| log.borrow_mut().push(e.clone()));
    h.client = SobotClient::new(cfg, MemoryStore::default());
    (h, seen)
}

#[test]
fn the_attempt_hook_sees_each_attempt_its_status_and_the_wait_after_it() {
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let (c, seen) = observed(move |_, _| {
        n2.set(n2.get() + 1);
        Ok(if n2.get() < 3 {
            status(503, "<html>busy</html>", None)
        } else {
            ok(page())
        })
    });
    run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    let event = |endpoint, attempt, status, delay_ms, error| AttemptEvent {
        endpoint,
        attempt,
        status: Some(status),
        duration_ms: 0,
        delay_ms,
        error,
    };
    let tasks = tasks().name;
    // The token fetch's duration is in virtual time (the refresh's own waits).
    let token_ms = seen.borrow()[0].duration_ms;
    assert_eq!(
        *seen.borrow(),
        vec![
            AttemptEvent {
                duration_ms: token_ms,
                ..event("get_token", 1, 200, None, None)
            },
            event(tasks, 1, 503, Some(50), Some(ErrorKind::Http)),
            event(tasks, 2, 503, Some(100), Some(ErrorKind::Http)),
            event(tasks, 3, 200, None, None),
        ]
    );
    // A send that may have been processed: one attempt, nothing after it.
    let (c, seen) = observed(|_, _| Err(TransportError::Network("socket hang up".into())));
    run(c.call(&api::MESSENGER_SEND, &text_send(), CallOptions::default()))
        .0
        .unwrap_err();
    let last = seen.borrow().last().cloned().unwrap();
    assert_eq!(
        (
            last.endpoint,
            last.attempt,
            last.status,
            last.delay_ms,
            last.error
        ),
        (
            api::MESSENGER_SEND.name,
            1,
            None,
            None,
            Some(ErrorKind::Network)
        )
    );
}

#[test]
fn reads_give_up_after_max_attempts() {
    let (c, p, _) = client_with(|_, _| Err(TransportError::Network("reset".into())));
    let (r, rep) = run(c.call(tasks(), &json!({}), CallOptions::default()));
    let e = r.unwrap_err();
    assert_eq!((e.kind, e.retryable), (ErrorKind::Network, true));
    assert_eq!(rep.attempts, 3);
    assert_eq!(p.calls_to("/query_task_list"), 3);
}

#[test]
fn a_read_given_up_on_a_repeatable_failure_is_retryable_whatever_its_kind() {
    // An answer cut short or an HTML page with 200 is a decode error; a read
    // repeats it, and when the attempts run out the caller may try later.
    for body in ["{\"ret_code\":\"0000", "<html>maintenance</html>"] {
        let (c, p, _) = client_with(move |_, _| Ok(status(200, body, None)));
        let (r, rep) = run(c.call(tasks(), &json!({}), CallOptions::default()));
        let e = r.unwrap_err();
        assert_eq!((e.kind, e.retryable), (ErrorKind::Decode, true), "{body}");
        assert_eq!(rep.attempts, 3);
        assert_eq!(p.calls_to("/query_task_list"), 3);
    }
    // A decode error no repeat can help (valid JSON without ret_code) stays final.
    let (c, p, _) = client_with(|_, _| Ok(ok(json!({"unexpected": true}))));
    let e = run(c.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap_err();
    assert_eq!((e.kind, e.retryable), (ErrorKind::Decode, false));
    assert_eq!(p.calls_to("/query_task_list"), 1);
}

#[test]
fn requests_leave_with_the_tables_names() {
    let (c, p, _) = client_with(|_, _| {
        Ok(ok(
            json!({"item": {"message_id": "m_1", "recipient_id": "9"}, "ret_code": "000000"}),
        ))
    });
    let req = json!({"appid": "1", "title": "t", "recipient_id": "9", "describe": null});
    run(c.call(
        &api::MESSENGER_SEND_OPT_IN_MESSAGE,
        &req,
        CallOptions::default(),
    ))
    .0
    .unwrap();
    let seen = p.seen.borrow();
    let body: Value = serde_json::from_str(seen.last().unwrap().body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"appid": "1", "title": "t", "recipientid": "9"})
    );
}

#[test]
fn sends_are_not_repeated_after_an_ambiguous_failure() {
    for answer in [
        Err(TransportError::Network("socket hang up".into())),
        Err(TransportError::Timeout),
        Ok(status(502, "<html>bad gateway</html>", None)),
        Ok(status(200, "{\"ret_code\":\"0000", None)),
        Ok(ok(json!({"ret_code": "999999", "ret_msg": "系统未知异常"}))),
    ] {
        let a = answer.clone();
        let (c, p, _) = client_with(move |_, _| a.clone());
        let (r, rep) = run(c.call(&api::MESSENGER_SEND, &text_send(), CallOptions::default()));
        let e = r.unwrap_err();
        assert!(!e.retryable, "{answer:?}");
        assert!(e.message.contains("may have been"), "{}", e.message);
        assert_eq!(p.sends(), 1, "{answer:?}");
        assert_eq!(rep.attempts, 1);
    }
}

#[test]
fn sends_are_repeated_when_certainly_not_processed() {
    let n = Rc::new(Cell::new(0));
    let n2 = n.clone();
    let (c, p, clock) = client_with(move |_, _| {
        n2.set(n2.get() + 1);
        match n2.get() {
            1 => Err(TransportError::Refused("ECONNREFUSED".into())),
            2 => Ok(status(429, "", Some("1"))),
            _ => Ok(ok(
                json!({"item": {"message_id": "m_9"}, "ret_code": "000000"}),
            )),
        }
    });
    let (r, rep) = run(c.call(&api::MESSENGER_SEND, &text_send(), CallOptions::default()));
    assert_eq!(r.unwrap()["message_id"], "m_9");
    assert_eq!(rep.attempts, 3);
    assert_eq!(p.sends(), 3);
    assert_eq!(backoffs(&clock)[1], 1_000); // Retry-After honoured
}

#[test]
fn retry_after_beyond_the_cap_ends_retries() {
    let (c, p, _) = client_with(|_, _| Ok(status(429, "", Some("120"))));
    let (r, _) = run(c.call(tasks(), &json!({}), CallOptions::default()));
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind, e.status, e.retryable),
        (ErrorKind::Http, Some(429), true)
    );
    assert_eq!(p.calls_to("/query_task_list"), 1);
}

#[test]
fn api_errors_carry_the_code_and_are_not_retried() {
    let (c, p, _) = client_with(|_, _| {
        Ok(ok(
            json!({"ret_code": "210008", "ret_msg": "当前主页下订阅主题已存在"}),
        ))
    });
    let req = json!({"appid": "1", "title": "t", "describe": "d", "image_ratio": "SQUARE", "button_type": "ALLOW"});
    let (r, _) = run(c.call(
        &api::MESSENGER_CREATE_OR_UPDATE_TITLE,
        &req,
        CallOptions::default(),
    ));
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref(), e.retryable),
        (ErrorKind::Api, Some("210008"), false)
    );
    assert!(
        e.message
            .starts_with("messenger.create_or_update_title answered 210008: "),
        "{}",
        e.message
    );
    assert_eq!(
        e.platform_message.as_deref(),
        Some("当前主页下订阅主题已存在")
    );
    assert_eq!(p.calls_to("/create_or_update_title"), 1);
}

#[test]
fn clients_sharing_a_store_share_the_token() {
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let store = Rc::new(MemoryStore::default());
    let script: Rc<Script> = Rc::new(|_, _| Ok(ok(page())));
    let harness = |script: Rc<Script>| Harness {
        client: SobotClient::new(config(), store.clone()),
        fake: Fake {
            platform: platform.clone(),
            script,
        },
        clock: clock.clone(),
    };
    let a = harness(script.clone());
    let b = harness(script);
    for _ in 0..3 {
        run(a.call(tasks(), &json!({}), CallOptions::default()))
            .0
            .unwrap();
        let (r, rep) = run(b.call(tasks(), &json!({}), CallOptions::default()));
        r.unwrap();
        assert!(!rep.token_refreshed);
    }
    assert_eq!(platform.calls_to("/api/get_token"), 1);
}

#[test]
fn clients_sharing_a_token_manager_refresh_once_when_the_token_is_refused() {
    // Two clients over one manager (the JS layer gives clients on the same
    // store object one manager): a refusal seen by both causes one refresh.
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let tokens = Rc::new(tokens::TokenManager::new(MemoryStore::default()));
    let script: Rc<Script> = Rc::new(|_, _| Ok(ok(page())));
    let harness = || Harness {
        client: SobotClient::with_tokens(config(), tokens.clone()),
        fake: Fake {
            platform: platform.clone(),
            script: script.clone(),
        },
        clock: clock.clone(),
    };
    let (a, b) = (harness(), harness());
    run(a.call(tasks(), &json!({}), CallOptions::default()))
        .0
        .unwrap();
    // The platform forgets the token (replaced elsewhere, or expired).
    *platform.current.borrow_mut() = None;
    let mut pool = LocalPool::new();
    let a = Rc::new(a);
    let b = Rc::new(b);
    let failures = Rc::new(Cell::new(0));
    for i in 0..10 {
        let c = if i % 2 == 0 { a.clone() } else { b.clone() };
        let failures = failures.clone();
        pool.spawner()
            .spawn_local(async move {
                if c.call(tasks(), &json!({}), CallOptions::default())
                    .await
                    .0
                    .is_err()
                {
                    failures.set(failures.get() + 1);
                }
            })
            .unwrap();
    }
    pool.run();
    assert_eq!(failures.get(), 0);
    assert_eq!(platform.calls_to("/api/get_token"), 2);
    assert_eq!(tokens.stats().requests, 2);
}

#[test]
fn a_cancelled_caller_leaves_the_shared_refresh_to_the_others() {
    let (c, p, _) = client_with(|_, _| Ok(ok(page())));
    let empty = json!({});
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let waiter = Box::pin(c.call(tasks(), &empty, CallOptions::default()));
    {
        // The first caller starts the refresh and is dropped (cancelled)
        // before it ends: the refresh goes on for the waiter.
        let mut first = Box::pin(c.call(tasks(), &empty, CallOptions::default()));
        assert!(first.as_mut().poll(&mut cx).is_pending());
    }
    run(waiter).0.unwrap();
    assert_eq!(p.calls_to("/query_task_list"), 1);
    assert_eq!(p.calls_to("/api/get_token"), 1);
}

/// A Graph client of the fake Graph API at `http://graph`.
fn graph_at_fake() -> graph::GraphClient {
    graph::GraphClient::new(graph::GraphConfig {
        access_token: "PAGE-TOKEN".into(),
        version: "v23.0".into(),
        base_url: "http://graph".into(),
        timeout_ms: None,
        retry: RetryPolicy::default(),
        allow_insecure_http: true,
        on_attempt: AttemptHook::default(),
    })
    .unwrap()
}

/// A Graph API that answers from a list of (path prefix, body).
struct GraphFake {
    answers: Vec<(&'static str, Value)>,
    seen: RefCell<Vec<String>>,
}

impl Transport for GraphFake {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.borrow_mut().push(req.url.clone());
        let path = req.url.trim_start_matches("http://graph");
        let body = self
            .answers
            .iter()
            .find(|(p, _)| path.starts_with(p))
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| json!({"error": {"code": 100, "message": "unknown"}}));
        Ok(ok(body))
    }
}

#[test]
fn graph_conversation_messages_read_later_pages_from_the_messages_edge() {
    let client = graph_at_fake();
    let fake = GraphFake {
        answers: vec![
            (
                "/v23.0/t_1/messages?after=A",
                json!({"data": [{"id": "m_3", "created_time": "2025-01-01T00:00:00+0000"}], "paging": {"cursors": {"before": "B", "after": "C"}}}),
            ),
            (
                "/v23.0/t_1?",
                json!({"messages": {"data": [{"id": "m_4"}], "paging": {"cursors": {"after": "A"}, "next": "http://graph/next"}}, "id": "t_1"}),
            ),
        ],
        seen: RefCell::new(Vec::new()),
    };
    let clock = VClock::default();
    let ep = &api::GRAPH_CONVERSATION_MESSAGES;
    let first = run(client.call(&fake, &clock, ep, &json!({"conversationId": "t_1"}), None))
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(first["messages"]["data"][0]["id"], "m_4");
    let req = json!({"conversationId": "t_1", "after": "A"});
    let later = run(client.call(&fake, &clock, ep, &req, None))
        .unwrap()
        .value()
        .unwrap();
    assert_eq!(later["id"], "t_1");
    assert_eq!(later["messages"]["data"][0]["id"], "m_3");
    assert_eq!(later["messages"]["paging"]["cursors"]["after"], "C");
    assert_eq!(
        fake.seen.borrow().as_slice(),
        [
            "http://graph/v23.0/t_1?fields=messages&access_token=PAGE-TOKEN",
            "http://graph/v23.0/t_1/messages?after=A&access_token=PAGE-TOKEN"
        ]
    );
}

/// A `get_token` endpoint answering from a list, then tokens.
#[derive(Clone)]
struct TokenScript {
    answers: Rc<RefCell<Vec<Result<HttpResponse, TransportError>>>>,
    seen: Rc<RefCell<Vec<HttpRequest>>>,
}

impl Detach for TokenScript {
    fn detach(&self) -> Self {
        self.clone()
    }
}

impl Transport for TokenScript {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.seen.borrow_mut().push(req);
        let mut answers = self.answers.borrow_mut();
        if answers.is_empty() {
            Ok(ok(
                json!({"item": {"token": "fresh", "expires_in": "86400"}, "ret_code": "000000"}),
            ))
        } else {
            answers.remove(0)
        }
    }
}

#[test]
fn get_token_attempts_are_bounded_by_the_timeout_and_repeated_like_a_read() {
    // get_token left without a timeout waited as long as the server took;
    // a rate-limit code was final, unlike on every other endpoint.
    let t = TokenScript {
        answers: Rc::new(RefCell::new(vec![
            Err(TransportError::Timeout),
            Ok(ok(json!({"ret_code": "4", "ret_msg": "rate limited"}))),
            Ok(ok(json!({"ret_code": "999999", "ret_msg": "系统未知异常"}))),
        ])),
        seen: Rc::default(),
    };
    let mut cfg = config();
    cfg.timeout_ms = Some(1_234);
    cfg.retry.max_attempts = 4;
    let client = SobotClient::new(cfg, MemoryStore::default());
    let clock = VClock::default();
    let tok = run(client.token(&t, &clock, CallOptions::default())).unwrap();
    assert_eq!(tok.token.expose_secret(), "fresh");
    let seen = t.seen.borrow();
    assert_eq!(seen.len(), 4);
    assert!(seen.iter().all(|r| r.timeout_ms == Some(1_234)));
    assert_eq!(backoffs(&clock), vec![50, 100, 200]);

    // a final code is not repeated, a rate limit given up on stays retryable
    for (code, attempts, retryable) in [("999994", 1, false), ("4", 4, true)] {
        let t = TokenScript {
            answers: Rc::new(RefCell::new(
                (0..4)
                    .map(|_| Ok(ok(json!({"ret_code": code, "ret_msg": "x"}))))
                    .collect(),
            )),
            seen: Rc::default(),
        };
        let mut cfg = config();
        cfg.retry.max_attempts = 4;
        let client = SobotClient::new(cfg, MemoryStore::default());
        let e = run(client.token(&t, &VClock::default(), CallOptions::default())).unwrap_err();
        assert_eq!(e.code.as_deref(), Some(code));
        assert_eq!(e.retryable, retryable, "{code}");
        assert_eq!(t.seen.borrow().len(), attempts, "{code}");
    }
}

/// A success read in one pass from the text gives what the envelope path
/// gives, for every documented answer; anything else is left to that path.
#[test]
fn successes_read_from_text_equal_the_envelope_path() {
    use crate::api::by_name;
    use crate::client::sobot::{answer, decode, read_success};
    let resp = |body: &[u8]| HttpResponse {
        status: 200,
        retry_after: None,
        body: body.to_vec(),
    };
    let mut compared = 0;
    for dir in ["messenger", "line"] {
        let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let Some(stem) = name.strip_suffix("_response.json") else {
                continue;
            };
            let Some(ep) = by_name(&format!("{dir}.{stem}")).or_else(|| by_name(stem)) else {
                continue;
            };
            let body = std::fs::read(&path).unwrap();
            let slow = answer(ep, decode(ep, &resp(&body), 0).unwrap()).unwrap();
            assert_eq!(read_success(ep, &body), Some(slow), "{dir}/{name}");
            compared += 1;
        }
    }
    assert!(compared >= 10, "only {compared} answers compared");

    let ep = by_name("line.query_task_list").unwrap();
    let page = r#"{"ret_code":"000000","items":[],"total_count":0}"#;
    assert!(read_success(ep, page.as_bytes()).is_some());
    for other in [
        r#"{"ret_code":0,"items":[]}"#,
        r#"{"ret_code":null,"items":[]}"#,
        r#"{"ret_code":"000000","ret_code":"000000","items":[]}"#,
        r#"{"ret_code":"900002","ret_msg":"token invalid"}"#,
        r#"{"ret_code":"000000","items":{}}"#,
        r#"["000000"]"#,
        "",
    ] {
        assert_eq!(read_success(ep, other.as_bytes()), None, "{other}");
    }
    // The page's own `ret_code` decodes escapes, as the envelope's `Value` does.
    let escaped = br#"{"ret_code":"\u003000000","items":[]}"#;
    let slow = answer(ep, decode(ep, &resp(escaped), 0).unwrap()).unwrap();
    assert_eq!(read_success(ep, escaped), Some(slow));
    let not_utf8 = b"{\"ret_code\":\"000000\",\"items\":[\"\xff\"]}";
    assert_eq!(read_success(ep, not_utf8), None);
    let send = by_name("messenger.send").unwrap();
    assert_eq!(
        read_success(send, br#"{"ret_code":"000000","item":{"id":1}}"#).map(|j| j.value().unwrap()),
        Some(serde_json::json!({"id": 1}))
    );
    assert_eq!(
        read_success(send, br#"{"ret_code":"000000"}"#).map(|j| j.value().unwrap()),
        Some(Value::Null)
    );
}

/// What a [`SharedStore`] handle does when called.
#[derive(Clone, Copy, PartialEq)]
enum StoreMode {
    Healthy,
    Failing,
    Hung,
}

/// The state behind several store handles (one per simulated process): the
/// token and a lock with an owner and an expiry on the virtual clock.
#[derive(Default)]
struct StoreState {
    token: RefCell<Option<StoredToken>>,
    lock: RefCell<Option<(u32, u64)>>,
    sets: Cell<u32>,
    refused_sets: Cell<u32>,
}

/// A store handle of one process over [`StoreState`]; `set` stores only
/// while this handle holds the lock, like the Redis store's script.
struct SharedStore {
    state: Rc<StoreState>,
    owner: u32,
    clock: VClock,
    mode: Rc<Cell<StoreMode>>,
}

impl SharedStore {
    async fn gate(&self) -> Result<(), Error> {
        match self.mode.get() {
            StoreMode::Healthy => Ok(()),
            StoreMode::Failing => Err(Error::network("ECONNREFUSED 127.0.0.1:6379")),
            StoreMode::Hung => std::future::pending().await,
        }
    }
}

impl TokenStore for SharedStore {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        self.gate().await?;
        Ok(self.state.token.borrow().clone())
    }
    async fn set(&self, token: &StoredToken) -> Result<(), Error> {
        self.gate().await?;
        let now = self.clock.now_ms();
        let held = *self.state.lock.borrow();
        if matches!(held, Some((o, until)) if o == self.owner && until > now) {
            *self.state.token.borrow_mut() = Some(token.clone());
            self.state.sets.set(self.state.sets.get() + 1);
        } else {
            self.state
                .refused_sets
                .set(self.state.refused_sets.get() + 1);
        }
        Ok(())
    }
    async fn lock(&self, ttl_ms: u64) -> Result<store::Lock, Error> {
        self.gate().await?;
        let now = self.clock.now_ms();
        let mut lock = self.state.lock.borrow_mut();
        match *lock {
            Some((_, until)) if until > now => Ok(store::Lock::Busy),
            _ => {
                *lock = Some((self.owner, now + ttl_ms));
                Ok(store::Lock::Acquired)
            }
        }
    }
    async fn unlock(&self) -> Result<(), Error> {
        self.gate().await?;
        let mut lock = self.state.lock.borrow_mut();
        if matches!(*lock, Some((o, _)) if o == self.owner) {
            *lock = None;
        }
        Ok(())
    }
}

/// A platform whose `get_token` takes `delay_ms` of virtual time.
#[derive(Clone)]
struct SlowTokens {
    platform: Rc<Platform>,
    clock: VClock,
    delay_ms: u64,
}

impl Detach for SlowTokens {
    fn detach(&self) -> Self {
        self.clone()
    }
}

impl Transport for SlowTokens {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        if req.url.contains("/api/get_token") {
            let _ = self.clock.sleep(self.delay_ms).await;
            self.platform.seen.borrow_mut().push(req);
            return Ok(self.platform.issue());
        }
        self.platform.seen.borrow_mut().push(req.clone());
        if !self.platform.token_ok(&req) {
            return Ok(ok(
                json!({"ret_code": "900002", "ret_msg": "token 已失效,请重新获取"}),
            ));
        }
        Ok(ok(page()))
    }
}

fn shared_store_client(
    state: &Rc<StoreState>,
    owner: u32,
    clock: &VClock,
    mode: &Rc<Cell<StoreMode>>,
    timeout_ms: u64,
) -> SobotClient<SharedStore> {
    let mut cfg = config();
    cfg.timeout_ms = Some(timeout_ms);
    SobotClient::new(
        cfg,
        SharedStore {
            state: state.clone(),
            owner,
            clock: clock.clone(),
            mode: mode.clone(),
        },
    )
}

#[test]
fn a_refresh_slower_than_ten_seconds_is_shared_by_every_process() {
    // get_token takes 15 s; three processes (their own managers, one store)
    // call twice each at once: one get_token, no failed call, one set.
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let state = Rc::new(StoreState::default());
    let mode = Rc::new(Cell::new(StoreMode::Healthy));
    let transport = SlowTokens {
        platform: platform.clone(),
        clock: clock.clone(),
        delay_ms: 15_000,
    };
    let clients: Vec<_> = (0..3)
        .map(|i| Rc::new(shared_store_client(&state, i, &clock, &mode, 20_000)))
        .collect();
    let mut pool = LocalPool::new();
    let failures = Rc::new(Cell::new(0));
    for c in clients.iter().flat_map(|c| [c.clone(), c.clone()]) {
        let (t, clock, failures) = (transport.clone(), clock.clone(), failures.clone());
        pool.spawner()
            .spawn_local(async move {
                let (r, _) = c
                    .call(&t, &clock, tasks(), &json!({}), CallOptions::default())
                    .await;
                if r.is_err() {
                    failures.set(failures.get() + 1);
                }
            })
            .unwrap();
    }
    pool.run();
    assert_eq!(failures.get(), 0);
    assert_eq!(platform.calls_to("/api/get_token"), 1);
    assert_eq!((state.sets.get(), state.refused_sets.get()), (1, 0));
    // The lock covered the whole refresh: attempts × timeout + backoff.
    assert!(tokens::refresh_budget_ms(Some(20_000), &config().retry) > 15_000);
}

#[test]
fn a_refresh_that_outlived_its_lock_never_overwrites_a_newer_token() {
    // A refresher whose lock expired and was taken by another process: its
    // late set is refused by the store, and the newer token stays.
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let state = Rc::new(StoreState::default());
    let mode = Rc::new(Cell::new(StoreMode::Healthy));
    let late = SharedStore {
        state: state.clone(),
        owner: 1,
        clock: clock.clone(),
        mode: mode.clone(),
    };
    run(async {
        assert_eq!(late.lock(100).await.unwrap(), store::Lock::Acquired);
        clock.now.set(clock.now.get() + 200);
        let next = SharedStore {
            state: state.clone(),
            owner: 2,
            clock: clock.clone(),
            mode: mode.clone(),
        };
        assert_eq!(next.lock(5_000).await.unwrap(), store::Lock::Acquired);
        let newer = StoredToken {
            token: "newer".into(),
            expires_at_ms: u64::MAX,
        };
        next.set(&newer).await.unwrap();
        let older = StoredToken {
            token: "older".into(),
            expires_at_ms: u64::MAX,
        };
        late.set(&older).await.unwrap();
    });
    assert_eq!(
        state.token.borrow().as_ref().unwrap().token.expose_secret(),
        "newer"
    );
    assert_eq!(state.refused_sets.get(), 1);
}

#[test]
fn a_hung_store_is_bounded_by_the_timeout_and_the_client_recovers() {
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let state = Rc::new(StoreState::default());
    let mode = Rc::new(Cell::new(StoreMode::Hung));
    let t = SlowTokens {
        platform: platform.clone(),
        clock: clock.clone(),
        delay_ms: 0,
    };
    let c = shared_store_client(&state, 1, &clock, &mode, 800);
    let start = clock.now_ms();
    let (r, _) = run(c.call(&t, &clock, tasks(), &json!({}), CallOptions::default()));
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref(), e.retryable),
        (ErrorKind::Timeout, Some(tokens::STORE_CODE), true)
    );
    assert!(
        e.message.contains("token store is unreachable"),
        "{}",
        e.message
    );
    // get, then the refresh's lock: each within the call's timeout.
    assert!(clock.now_ms() - start <= 2 * 800 + 100);
    assert_eq!(platform.calls_to("/api/get_token"), 0);
    mode.set(StoreMode::Healthy);
    let (r, _) = run(c.call(&t, &clock, tasks(), &json!({}), CallOptions::default()));
    r.unwrap();
    assert_eq!(platform.calls_to("/api/get_token"), 1);
}

#[test]
fn a_failing_store_does_not_fail_calls_while_the_held_token_is_valid() {
    let platform = Rc::new(Platform::default());
    let clock = VClock::default();
    clock.now.set(1_700_000_000_000);
    let state = Rc::new(StoreState::default());
    let mode = Rc::new(Cell::new(StoreMode::Healthy));
    let t = SlowTokens {
        platform: platform.clone(),
        clock: clock.clone(),
        delay_ms: 0,
    };
    let c = shared_store_client(&state, 1, &clock, &mode, 1_000);
    let call = || run(c.call(&t, &clock, tasks(), &json!({}), CallOptions::default())).0;
    call().unwrap();
    for m in [StoreMode::Failing, StoreMode::Hung] {
        mode.set(m);
        for _ in 0..3 {
            call().unwrap();
        }
    }
    assert_eq!(platform.calls_to("/api/get_token"), 1);
    assert_eq!(platform.calls_to("/query_task_list"), 7);
    // The held token is refused (replaced elsewhere): the error says the
    // store is unreachable, and no get_token was sent without its lock.
    mode.set(StoreMode::Failing);
    *platform.current.borrow_mut() = None;
    let e = call().unwrap_err();
    assert_eq!(e.code.as_deref(), Some(tokens::STORE_CODE));
    assert!(
        e.message.contains("token store is unreachable"),
        "{}",
        e.message
    );
    assert_eq!(platform.calls_to("/api/get_token"), 1);
}

#[test]
fn an_unlock_failure_after_a_refresh_does_not_fail_the_call() {
    struct NoUnlock(MemoryStore);
    impl TokenStore for NoUnlock {
        async fn get(&self) -> Result<Option<StoredToken>, Error> {
            self.0.get().await
        }
        async fn set(&self, t: &StoredToken) -> Result<(), Error> {
            self.0.set(t).await
        }
        async fn unlock(&self) -> Result<(), Error> {
            Err(Error::network("unlock failed"))
        }
    }
    let (h, p, _) = client_with(|_, _| Ok(ok(page())));
    let c = SobotClient::new(config(), NoUnlock(MemoryStore::default()));
    let (r, _) = run(c.call(
        &h.fake,
        &h.clock,
        tasks(),
        &json!({}),
        CallOptions::default(),
    ));
    r.unwrap();
    assert_eq!(p.calls_to("/api/get_token"), 1);
}

#[test]
fn a_driver_that_vanishes_without_being_dropped_is_replaced() {
    // In Workers a request's future can stop being polled for good (its
    // I/O context gone) without being dropped: the waiter refreshes anew.
    let (c, p, _) = client_with(|_, _| Ok(ok(page())));
    let empty = json!({});
    let waker = futures::task::noop_waker();
    let mut cx = Context::from_waker(&waker);
    let mut first = Box::pin(c.call(tasks(), &empty, CallOptions::default()));
    assert!(first.as_mut().poll(&mut cx).is_pending());
    let (r, _) = run(c.call(tasks(), &empty, CallOptions::default()));
    r.unwrap();
    assert_eq!(p.calls_to("/query_task_list"), 1);
    assert!(p.calls_to("/api/get_token") <= 2);
    std::mem::forget(first);
}

// ------------------------------------------------------------ get_media_content answers

/// `get_media_content` through the client, answered with `body` (HTTP 200);
/// a success is read at the first attempt.
fn media_content_answered(body: &'static str) -> Result<Value, Error> {
    let (c, p, _) = client_with(move |_, _| Ok(status(200, body, None)));
    let req = json!({"appid": "2005652357", "messageid": "1501597916"});
    let (r, _) = run(c.call(&api::LINE_GET_MEDIA_CONTENT, &req, CallOptions::default()));
    if r.is_ok() {
        assert_eq!(p.calls_to("/get_media_content"), 1, "{body}");
    }
    r
}

const MEDIA_URL: &str = "https://sg.sobot.com/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/20240626/0d63b822ba724e858a128f3f27a4f405/017a4945aa5a4832bf1809acc1878cb2.png";

#[test]
fn get_media_content_reads_a_url_string() {
    let body = r#"{"item": "https://sg.sobot.com/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/20240626/0d63b822ba724e858a128f3f27a4f405/017a4945aa5a4832bf1809acc1878cb2.png", "ret_code": "000000", "ret_msg": "操作成功"}"#;
    assert_eq!(media_content_answered(body).unwrap(), json!(MEDIA_URL));
}

#[test]
fn get_media_content_reads_an_object_with_url() {
    let body = r#"{"item": {"url": "https://sg.sobot.com/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/20240626/0d63b822ba724e858a128f3f27a4f405/017a4945aa5a4832bf1809acc1878cb2.png"}, "ret_code": "000000", "ret_msg": "操作成功"}"#;
    assert_eq!(media_content_answered(body).unwrap(), json!(MEDIA_URL));
}

#[test]
fn get_media_content_reads_an_object_whose_only_value_is_the_url() {
    let body = r#"{"item": {"content": "https://sg.sobot.com/chatres/c72d7e67c0f64d38879747c9cfd68e85/msg/20240626/0d63b822ba724e858a128f3f27a4f405/017a4945aa5a4832bf1809acc1878cb2.png"}, "ret_code": "000000", "ret_msg": "操作成功"}"#;
    assert_eq!(media_content_answered(body).unwrap(), json!(MEDIA_URL));
}

/// The document's printed answer, verbatim: `"item": { "https://…" }` is not JSON.
#[test]
fn get_media_content_reads_the_documents_printed_form() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/line/get_media_content_response.txt"
    );
    let text: &'static str = Box::leak(std::fs::read_to_string(path).unwrap().into_boxed_str());
    assert!(
        serde_json::from_str::<Value>(text).is_err(),
        "the fixture is the printed form"
    );
    assert_eq!(media_content_answered(text).unwrap(), json!(MEDIA_URL));
}

#[test]
fn get_media_content_still_refuses_answers_without_a_url() {
    for body in [
        r#"{"item": {"a": "x", "b": "y"}, "ret_code": "000000"}"#,
        r#"{"item": { "https://x.test/a.png", "more" }, "ret_code": "000000"}"#,
        r#"{"item": 7, "ret_code": "000000"}"#,
    ] {
        let e = media_content_answered(body).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Decode, "{body}");
    }
    // An error answer is still the platform's error, not a decode error.
    let e = media_content_answered(r#"{"ret_code": "999994", "ret_msg": "参数异常,请检查"}"#)
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_deref()),
        (ErrorKind::Api, Some("999994"))
    );
    // The repair is `get_media_content`'s only: the same form elsewhere is a decode error.
    let (c, _, _) = client_with(|_, _| {
        Ok(status(
            200,
            r#"{"item": { "d13415bb2b704e58aa373bb5e0e11914" }, "ret_code": "000000"}"#,
            None,
        ))
    });
    let upload =
        json!({"pageid": "P", "type": "image", "payload": {"url": "https://a.test/a.png"}});
    let e = run(c.call(
        &api::MESSENGER_UPLOAD_ASYNC,
        &upload,
        CallOptions::default(),
    ))
    .0
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Decode);
}

// ------------------------------------------------------------ alternatives of a send

#[test]
fn a_blank_recipient_beside_a_token_is_refused_and_nothing_is_sent() {
    let (c, p, _) = client_with(|_, _| Ok(ok(json!({"item": {}, "ret_code": "000000"}))));
    for blank in ["", "  "] {
        let mut req = text_send();
        req["recipientid"] = json!(blank);
        req["recipient_token"] = json!("T");
        let e = run(c.call(&api::MESSENGER_SEND, &req, CallOptions::default()))
            .0
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Validation);
        let found: Vec<_> = e
            .violations
            .iter()
            .map(|v| (v.path.as_str(), v.rule))
            .collect();
        assert_eq!(
            found,
            vec![("recipientid", "blank"), ("recipientid", "exactly_one")]
        );
    }
    assert!(p.seen.borrow().is_empty());
}

#[test]
fn a_media_message_by_attachment_id_leaves_as_written() {
    let (c, p, _) = client_with(|_, _| {
        Ok(ok(
            json!({"item": {"message_id": "m_1", "recipient_id": "R"}, "ret_code": "000000"}),
        ))
    });
    let req = json!({"messaging_type": "RESPONSE", "recipientid": "R", "pageid": "P", "type": "image", "payload": {"attachment_id": "1234567890"}});
    run(c.call(&api::MESSENGER_SEND, &req, CallOptions::default()))
        .0
        .unwrap();
    let seen = p.seen.borrow();
    let body: Value = serde_json::from_str(seen.last().unwrap().body.as_deref().unwrap()).unwrap();
    assert_eq!(body, req);
}

/// The encoder keeps one member of each pair of alternatives whatever it is
/// given: a blank one is left out, two real ones are refused.
#[test]
fn the_send_encoder_never_sends_both_alternatives() {
    let encode = api::MESSENGER_SEND.encode;
    let sent = encode(
        json!({"recipientid": " ", "recipient_token": "T", "pageid": "P", "type": "image",
        "payload": {"url": "", "attachment_id": "1"}}),
    )
    .unwrap();
    assert_eq!(
        sent,
        json!({"recipient_token": "T", "pageid": "P", "type": "image", "payload": {"attachment_id": "1"}})
    );
    let sent = encode(json!({"recipientid": "R", "recipient_token": null, "type": "template",
        "payload": {"template_type": "media", "elements": [{"media_type": "image", "attachment_id": "", "url": "https://www.facebook.com/p"}]}}))
    .unwrap();
    assert_eq!(
        sent,
        json!({"recipientid": "R", "type": "template",
            "payload": {"template_type": "media", "elements": [{"media_type": "image", "url": "https://www.facebook.com/p"}]}})
    );
    for both in [
        json!({"recipientid": "R", "recipient_token": "T"}),
        json!({"recipientid": "R", "payload": {"url": "https://a.test/a", "attachment_id": "1"}}),
        json!({"recipientid": "R", "payload": {"elements": [{"attachment_id": "1", "url": "https://www.facebook.com/p"}]}}),
    ] {
        let e = encode(both.clone()).unwrap_err();
        assert!(e.contains("exactly one"), "{both}: {e}");
    }
}

/// The app key and the tokens are `SecretString`s: no `Debug` output shows
/// them, whichever value holds them.
#[test]
fn debug_output_never_shows_a_secret() {
    let mut sobot = config();
    sobot.credentials.app_key = "APP-SECRET-KEY".into();
    let graph = graph::GraphConfig {
        access_token: "GRAPH-SECRET-TOKEN".into(),
        version: "v23.0".into(),
        base_url: "http://graph".into(),
        timeout_ms: None,
        retry: RetryPolicy::default(),
        allow_insecure_http: true,
        on_attempt: AttemptHook::default(),
    };
    let stored = StoredToken {
        token: "STORED-SECRET-TOKEN".into(),
        expires_at_ms: 1,
    };
    let fresh = Token {
        token: "FRESH-SECRET-TOKEN".into(),
        expires_in: 1,
        expires_at_ms: 1,
    };
    let text = format!("{sobot:?} {graph:?} {stored:?} {fresh:?}");
    assert!(!text.contains("SECRET"), "{text}");
    assert_eq!(text.matches("[REDACTED]").count(), 4, "{text}");
}

/// A store told apart by a name: two with one name are the same store.
struct NamedStore(&'static str);

impl TokenStore for NamedStore {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        Ok(None)
    }
    async fn set(&self, _token: &StoredToken) -> Result<(), Error> {
        Ok(())
    }
    fn same_as(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

#[test]
fn clients_of_one_app_over_one_store_share_a_token_manager() {
    use crate::client::tokens::SharedTokens;
    let mut shared = SharedTokens::default();
    let a = shared.manager(NamedStore("redis"), "app", "https://sg.sobot.com/");
    let b = shared.manager(NamedStore("redis"), "app", "https://sg.sobot.com");
    assert!(Rc::ptr_eq(&a, &b), "same store, app and base URL");
    let other_app = shared.manager(NamedStore("redis"), "app2", "https://sg.sobot.com");
    let other_host = shared.manager(NamedStore("redis"), "app", "https://hk.sobot.com");
    let other_store = shared.manager(NamedStore("do"), "app", "https://sg.sobot.com");
    for m in [&other_app, &other_host, &other_store] {
        assert!(!Rc::ptr_eq(&a, m));
    }
    assert_eq!(shared.len(), 4);
    drop((a, b));
    assert_eq!(shared.len(), 3, "an entry goes with its last client");
    let again = shared.manager(NamedStore("redis"), "app", "https://sg.sobot.com");
    assert_eq!(
        Rc::strong_count(&again),
        1,
        "a new manager once the old one is gone"
    );

    // the in-memory store is each client's own
    let mut memory = SharedTokens::default();
    let m1 = memory.manager(MemoryStore::default(), "app", "https://sg.sobot.com");
    let m2 = memory.manager(MemoryStore::default(), "app", "https://sg.sobot.com");
    assert!(!Rc::ptr_eq(&m1, &m2));
}

#[test]
fn graph_requests_are_checked_in_camel_case_and_sent_in_snake_case() {
    let client = graph_at_fake();
    let fake = GraphFake {
        answers: vec![("/v23.0/p_1/conversations?", json!({"data": []}))],
        seen: RefCell::new(Vec::new()),
    };
    let clock = VClock::default();
    let ep = &api::GRAPH_CONVERSATIONS;
    let bad = json!({"platform": "messenger", "userId": "", "page_id": "p_1", "limit": 101});
    let e = run(client.call(&fake, &clock, ep, &bad, None)).unwrap_err();
    let paths: Vec<&str> = e.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["page_id", "pageId", "userId", "limit"], "{e:?}");
    assert_eq!(e.endpoint, Some("graph.conversations"));
    assert!(fake.seen.borrow().is_empty(), "nothing sent");
    let req = json!({"pageId": "p_1", "platform": "messenger", "userId": "u 1", "limit": 5});
    run(client.call(&fake, &clock, ep, &req, None)).unwrap();
    assert_eq!(
        fake.seen.borrow().as_slice(),
        ["http://graph/v23.0/p_1/conversations?limit=5&platform=messenger&user_id=u%201&access_token=PAGE-TOKEN"]
    );
}

#[test]
fn graph_message_fields_default_to_the_catalogue_s_and_can_be_replaced() {
    let client = graph_at_fake();
    let fake = GraphFake {
        answers: vec![("/v23.0/m_1?", json!({"id": "m_1", "message": "one"}))],
        seen: RefCell::new(Vec::new()),
    };
    let clock = VClock::default();
    let ep = &api::GRAPH_MESSAGE;
    run(client.call(&fake, &clock, ep, &json!({"messageId": "m_1"}), None)).unwrap();
    let req = json!({"messageId": "m_1", "fields": "id,message"});
    run(client.call(&fake, &clock, ep, &req, None)).unwrap();
    let seen = fake.seen.borrow();
    assert!(
        seen[0].contains("?fields=id%2Ccreated_time%2Cfrom%2Cto%2Cmessage&"),
        "{}",
        seen[0]
    );
    assert!(seen[1].contains("?fields=id%2Cmessage&"), "{}", seen[1]);
}

#[test]
fn graph_walks_follow_cursors_and_stop_details_at_the_limit() {
    let client = graph_at_fake();
    let fake = GraphFake {
        answers: vec![
            (
                "/v23.0/p_1/conversations?after=A&platform=messenger",
                json!({"data": [{"id": "t_2"}], "paging": {"cursors": {"after": "B"}}}),
            ),
            (
                "/v23.0/p_1/conversations?",
                json!({"data": [{"id": "t_1"}], "paging": {"cursors": {"after": "A"}, "next": "http://graph/n"}}),
            ),
            (
                "/v23.0/t_1?",
                json!({"id": "t_1", "messages": {"data": (0..25).map(|i| json!({"id": format!("m_{i}")})).collect::<Vec<_>>(),
                    "paging": {"cursors": {"after": "M"}, "next": "http://graph/n"}}}),
            ),
            ("/v23.0/m_", json!({"id": "m", "message": "hi"})),
        ],
        seen: RefCell::new(Vec::new()),
    };
    let clock = VClock::default();
    let req = json!({"pageId": "p_1", "platform": "messenger"});
    let mut walk = graph::GraphWalk::new(&api::GRAPH_CONVERSATIONS, req);
    let mut ids = Vec::new();
    while let Some(page) = run(client.next_page(&fake, &clock, &mut walk, None)).unwrap() {
        ids.extend(
            page.into_iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(
        ids,
        ["t_1", "t_2"],
        "the second page has no next: the walk ends"
    );

    let req = json!({"conversationId": "t_1"});
    let mut walk = graph::GraphWalk::new(&api::GRAPH_CONVERSATION_MESSAGES, req)
        .details(&api::GRAPH_MESSAGE, json!({"fields": "id,message"}));
    let first = run(client.next_page(&fake, &clock, &mut walk, None))
        .unwrap()
        .unwrap();
    assert_eq!(
        first.len(),
        graph::MESSAGE_DETAIL_LIMIT,
        "details of the 20 most recent only"
    );
    assert_eq!(
        run(client.next_page(&fake, &clock, &mut walk, None)).unwrap(),
        None
    );
    let seen = fake.seen.borrow();
    let details: Vec<&String> = seen.iter().filter(|u| u.contains("/m_")).collect();
    assert_eq!(
        details.len(),
        graph::MESSAGE_DETAIL_LIMIT,
        "no call past the limit"
    );
    assert!(details[0].starts_with("http://graph/v23.0/m_0?fields=id%2Cmessage&"));
    assert!(details[19].starts_with("http://graph/v23.0/m_19?"));
}

#[test]
fn a_sobot_page_walk_asks_each_page_until_page_count() {
    let (h, p, _) = client_with(|req, _| {
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap_or("{}")).unwrap();
        let no = body["page_no"].as_u64().unwrap();
        Ok(ok(
            json!({"items": [{"taskid": format!("t{no}")}], "page_count": 2, "page_no": no, "ret_code": "000000"}),
        ))
    });
    let mut walker = paging::PageWalker::new(&json!({"page_size": 1}), "items");
    let mut seen = Vec::new();
    while let Some(items) = run(h.client.next_page(
        &h.fake,
        &h.clock,
        &api::LINE_QUERY_TASK_LIST,
        &mut walker,
        CallOptions::default(),
    ))
    .unwrap()
    {
        seen.extend(
            items
                .into_iter()
                .map(|t| t["taskid"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(seen, ["t1", "t2"]);
    assert_eq!(p.calls_to("/query_task_list"), 2);
}

/// A store that only reads: it holds `token` (or nothing) and has no `set`.
struct ReadOnly(Option<StoredToken>);

impl TokenStore for ReadOnly {
    async fn get(&self) -> Result<Option<StoredToken>, Error> {
        Ok(self.0.clone())
    }
    async fn set(&self, _token: &StoredToken) -> Result<(), Error> {
        unreachable!("a read-only store is never written")
    }
    fn read_only(&self) -> bool {
        true
    }
}

#[test]
fn a_read_only_store_is_used_and_never_refreshed() {
    let (c, p, clock) = client_with(|_, _| Ok(ok(page())));
    let now = clock.now.get();
    // The token the platform holds as current, stored by another process.
    *p.current.borrow_mut() = Some("stored-token".into());
    let valid = StoredToken {
        token: "stored-token".into(),
        expires_at_ms: now + 3_600_000,
    };
    let h = Harness {
        client: SobotClient::new(config(), ReadOnly(Some(valid))),
        fake: c.fake.clone(),
        clock: clock.clone(),
    };
    let (r, _) = run(h.call(tasks(), &json!({"page_no": 1}), CallOptions::default()));
    assert_eq!(r.unwrap()["page_size"], 15);
    assert_eq!(p.calls_to("/api/get_token"), 0);

    for stored in [
        None,
        Some(StoredToken {
            token: "expired".into(),
            expires_at_ms: now - 1,
        }),
    ] {
        let seen = p.seen.borrow().len();
        let h = Harness {
            client: SobotClient::new(config(), ReadOnly(stored)),
            fake: c.fake.clone(),
            clock: clock.clone(),
        };
        let (r, rep) = run(h.call(tasks(), &json!({"page_no": 1}), CallOptions::default()));
        let e = r.unwrap_err();
        assert_eq!(e.code.as_deref(), Some(tokens::STORE_CODE));
        assert!(!e.retryable);
        assert!(e.message.contains("never fetches one"), "{}", e.message);
        assert_eq!(p.seen.borrow().len(), seen, "nothing sent");
        assert_eq!(rep.attempts, 0);
    }
}

#[test]
fn network_failures_name_the_call_the_host_and_the_attempts() {
    // The call's requests refused (the fake platform always issues the token).
    let (c, _, _) = client_with(|_, _| Err(TransportError::Refused("connect ECONNREFUSED".into())));
    let (r, _) = run(c.call(tasks(), &json!({"page_no": 1}), CallOptions::default()));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert_eq!(e.endpoint, Some("line.query_task_list"));
    assert_eq!(
        e.message,
        "line.query_task_list: connect ECONNREFUSED (host emu; 3 attempt(s), each of at most 30000 ms)"
    );

    // The token comes, the call's own requests time out.
    let (c, _, _) = client_with(|req, p| {
        if req.url.contains("/get_token") {
            Ok(p.issue())
        } else {
            Err(TransportError::Timeout)
        }
    });
    let o = CallOptions {
        timeout_ms: Some(250),
    };
    let (r, rep) = run(c.call(tasks(), &json!({"page_no": 1}), o));
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout);
    assert_eq!(rep.attempts, 3);
    assert_eq!(
        e.message,
        "line.query_task_list: the call timed out (host emu; 3 attempt(s), each of at most 250 ms)"
    );
}

#[path = "broadcast_tests.rs"]
mod broadcast_tests;
