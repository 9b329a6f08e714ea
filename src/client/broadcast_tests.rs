//! The broadcast over the scripted platform and the virtual clock.

use super::*;
use crate::client::broadcast::{
    self, Broadcast, BroadcastCounts, ClaimStore, MemoryClaims, Outcome, RunOptions, RunResult,
};
use std::collections::HashMap;

/// Subscriber `i`: `fb<i>` with token `st<i>`; every tenth (i % 10 == 3) unsubscribed.
fn subscriber(i: usize) -> Value {
    json!({"facebookid": format!("fb{i}"), "pageid": "P", "sub_status": u8::from(i % 10 != 3),
           "sub_title": "T", "sub_token": format!("st{i}"), "companyid": "c", "create_time": 1,
           "timezone": "UTC", "title_describe": "", "update_time": 1})
}

fn active(n: usize) -> usize {
    (0..n).filter(|i| i % 10 != 3).count()
}

fn query(url: &str, key: &str) -> Option<usize> {
    let q = url.split_once('?')?.1;
    q.split('&')
        .find_map(|p| p.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}

/// What the platform does with a send to one token: its answers in turn, then 200.
type Faults = Rc<RefCell<HashMap<String, Vec<HttpResponse>>>>;

struct Topic {
    h: Harness,
    platform: Rc<Platform>,
    clock: VClock,
    /// The `recipient_token` of each accepted send, in order.
    sent: Rc<RefCell<Vec<String>>>,
    faults: Faults,
}

fn topic(n: usize) -> Topic {
    let sent: Rc<RefCell<Vec<String>>> = Rc::default();
    let faults: Faults = Rc::default();
    let (s, f) = (sent.clone(), faults.clone());
    let (h, platform, clock) = client_with(move |req, _| {
        if req.url.contains("/query_sub_users") {
            let no = query(&req.url, "page_no").unwrap();
            let size = query(&req.url, "page_size").unwrap();
            assert_eq!(size, 100);
            let items: Vec<Value> = ((no - 1) * size..(no * size).min(n))
                .map(subscriber)
                .collect();
            return Ok(ok(
                json!({"items": items, "page_count": n.div_ceil(size), "page_no": no,
                "page_size": size, "total_count": n, "ret_code": "000000", "ret_msg": "成功"}),
            ));
        }
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        let token = body["recipient_token"].as_str().unwrap().to_owned();
        if let Some(answers) = f.borrow_mut().get_mut(&token) {
            if !answers.is_empty() {
                return Ok(answers.remove(0));
            }
        }
        s.borrow_mut().push(token);
        Ok(ok(
            json!({"item": {"message_id": "m"}, "ret_code": "000000", "ret_msg": "ok"}),
        ))
    });
    Topic {
        h,
        platform,
        clock,
        sent,
        faults,
    }
}

fn request() -> Value {
    json!({"appid": "P", "title": "T", "message": {"pageid": "P", "type": "text", "payload": "news"}})
}

fn options(run_id: &str, owner: &str) -> RunOptions {
    RunOptions {
        run_id: run_id.into(),
        owner: owner.into(),
        concurrency: 4,
        per_second: None,
        claim_ttl_ms: broadcast::DEFAULT_CLAIM_TTL_MS,
        timeout_ms: None,
    }
}

impl Topic {
    fn store(&self) -> Rc<MemoryClaims<VClock>> {
        Rc::new(MemoryClaims::new(self.clock.clone()).unwrap())
    }

    fn run_with(
        &self,
        store: &impl ClaimStore,
        o: &RunOptions,
        progress: &impl Fn(&BroadcastCounts),
        cancelled: &impl Fn() -> bool,
    ) -> RunResult {
        self.run_request(&request(), store, o, progress, cancelled)
    }

    fn run_request(
        &self,
        request: &Value,
        store: &impl ClaimStore,
        o: &RunOptions,
        progress: &impl Fn(&BroadcastCounts),
        cancelled: &impl Fn() -> bool,
    ) -> RunResult {
        let b = Broadcast::new(request).unwrap();
        run(broadcast::run(
            &self.h.client,
            &self.h.fake,
            &self.clock,
            store,
            &b,
            o,
            progress,
            cancelled,
        ))
    }

    fn sends_to(&self, token: &str) -> usize {
        self.platform
            .seen
            .borrow()
            .iter()
            .filter(|r| {
                r.url.ends_with("/send")
                    && r.body.as_deref().unwrap().contains(&format!("\"{token}\""))
            })
            .count()
    }
}

fn counts(r: &RunResult) -> BroadcastCounts {
    r.report.counts
}

#[test]
fn sends_once_to_each_active_subscriber_of_every_page() {
    let t = topic(250);
    let progress = RefCell::new(Vec::new());
    let r = t.run_with(
        &t.store(),
        &options("r1", "o1"),
        &|c| progress.borrow_mut().push(*c),
        &|| false,
    );
    assert!(r.error.is_none() && !r.report.cancelled);
    let c = counts(&r);
    assert_eq!(
        (
            c.total,
            c.sent,
            c.skipped,
            c.failed,
            c.unknown,
            c.already_claimed
        ),
        (250, active(250) as u64, 25, 0, 0, 0)
    );
    let mut sent = t.sent.borrow().clone();
    sent.sort();
    sent.dedup();
    assert_eq!(sent.len(), active(250), "each once");
    assert!(!sent.contains(&"st3".to_owned()), "unsubscribed skipped");
    assert_eq!(t.platform.calls_to("/query_sub_users"), 3);
    // The message as given, with the subscriber's token.
    let seen = t.platform.seen.borrow();
    let first = seen.iter().find(|r| r.url.ends_with("/send")).unwrap();
    let body: Value = serde_json::from_str(first.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"pageid": "P", "type": "text", "payload": "news", "recipient_token": "st0"})
    );
    // Progress after each send, and once at the end.
    let p = progress.borrow();
    assert_eq!(p.len(), active(250) + 1);
    assert_eq!(p.last(), Some(&c));
    assert!(p.windows(2).all(|w| w[0].sent <= w[1].sent));
}

#[test]
fn an_invalid_request_sends_nothing_and_names_message_fields() {
    let e = Broadcast::new(
        &json!({"appid": "P", "message": {"type": "text", "payload": 5,
        "recipient_token": "x", "colour": 1}, "extra": 1}),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Validation);
    let paths: Vec<&str> = e.violations.iter().map(|v| v.path.as_str()).collect();
    for p in [
        "extra",
        "title",
        "message.recipient_token",
        "message.pageid",
        "message.payload",
        "message.colour",
    ] {
        assert!(paths.contains(&p), "{p} in {paths:?}");
    }
    let payload = e
        .violations
        .iter()
        .find(|v| v.path == "message.payload")
        .unwrap();
    assert!(
        payload.message.starts_with("message.payload"),
        "{}",
        payload.message
    );
    let e = Broadcast::new(&json!({"appid": "P", "title": "T", "message": "hi"})).unwrap_err();
    assert_eq!(e.violations[0].path, "message");
    // A tag needs MESSAGE_TAG, as for any send.
    let e = Broadcast::new(&json!({"appid": "P", "title": "T",
        "message": {"pageid": "P", "type": "text", "payload": "x", "tag": "HUMAN_AGENT"}}))
    .unwrap_err();
    assert_eq!(e.violations[0].path, "message.tag");
    assert!(Broadcast::new(
        &json!({"appid": "P", "title": "T", "message": {"pageid": "P",
        "type": "text", "payload": "x", "messaging_type": "MESSAGE_TAG", "tag": "ACCOUNT_UPDATE"}})
    )
    .is_ok());
}

#[test]
fn given_subscribers_are_sent_without_paging_and_share_the_run_claims() {
    let t = topic(0);
    let rows = |r: std::ops::Range<usize>| Value::from(r.map(subscriber).collect::<Vec<_>>());
    let message = json!({"pageid": "P", "type": "text", "payload": "news"});
    let store = t.store();
    let o = options("q", "a");
    // Two queue batches that overlap by ten rows: each recipient once.
    let first = json!({"subscribers": rows(0..60), "message": message});
    let second = json!({"subscribers": rows(50..100), "message": message});
    let a = t.run_request(&first, &*store, &o, &|_| {}, &|| false);
    let b = t.run_request(&second, &*store, &o, &|_| {}, &|| false);
    assert!(a.error.is_none() && b.error.is_none());
    let n = |x: usize| x as u64;
    assert_eq!((counts(&a).total, counts(&a).sent), (60, n(active(60))));
    assert_eq!(counts(&b).total, 50);
    assert_eq!(counts(&b).already_claimed, n(active(60) - active(50)));
    assert_eq!(t.sent.borrow().len(), active(100));
    assert!(t
        .platform
        .seen
        .borrow()
        .iter()
        .all(|r| !r.url.contains("/query_sub_users")));

    let e =
        Broadcast::new(&json!({"appid": "P", "subscribers": [1], "message": message})).unwrap_err();
    let paths: Vec<&str> = e.violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["appid", "subscribers[0]"]);
    let e = Broadcast::new(&json!({"subscribers": {}, "message": message})).unwrap_err();
    assert_eq!(e.violations[0].rule, "type");
    let many = Value::from(vec![json!({}); broadcast::MAX_GIVEN_SUBSCRIBERS + 1]);
    let e = Broadcast::new(&json!({"subscribers": many, "message": message})).unwrap_err();
    assert_eq!(e.violations[0].rule, "max_items");
}

#[test]
fn repeats_only_what_was_not_processed_and_reports_the_rest() {
    let t = topic(30);
    let limited = || status(429, "{}", Some("2"));
    {
        let mut f = t.faults.borrow_mut();
        f.insert("st0".into(), vec![limited()]); // sent on its second attempt
        f.insert("st1".into(), vec![status(503, "{}", None)]); // may have been sent
        f.insert("st2".into(), vec![limited(), limited(), limited()]); // 429 every attempt
        let refused = json!({"ret_code": "210009", "ret_msg": "用户Facebook ID不能为空"});
        f.insert("st4".into(), vec![ok(refused)]); // refused by the platform
    }
    let store = t.store();
    let r = t.run_with(&*store, &options("r", "o1"), &|_| {}, &|| false);
    let c = counts(&r);
    assert_eq!((c.sent, c.failed, c.unknown), (active(30) as u64 - 3, 2, 1));
    assert_eq!(t.sends_to("st0"), 2);
    assert_eq!(t.sends_to("st1"), 1, "a 503 on a send is never repeated");
    assert_eq!(t.sends_to("st2"), 3);
    assert!(backoffs(&t.clock).contains(&2000), "Retry-After honoured");
    let by = |who: &str| {
        r.report
            .failures
            .iter()
            .find(|f| f.recipient == who)
            .unwrap()
    };
    assert_eq!(
        (by("fb1").outcome, by("fb1").released),
        (Outcome::Unknown, false)
    );
    assert_eq!(by("fb1").error.status, Some(503));
    assert_eq!(
        (by("fb2").outcome, by("fb2").released),
        (Outcome::Failed, true)
    );
    assert_eq!(
        (by("fb4").outcome, by("fb4").released),
        (Outcome::Failed, false)
    );
    assert_eq!(by("fb4").error.code.as_deref(), Some("210009"));
    assert!(r
        .report
        .failures
        .iter()
        .all(|f| !f.error.message.contains("tok")));

    // Resumed: only the released one is sent again (now accepted).
    let again = t.run_with(&*store, &options("r", "o2"), &|_| {}, &|| false);
    let c = counts(&again);
    assert_eq!((c.sent, c.already_claimed), (1, active(30) as u64 - 1));
    assert_eq!(t.sends_to("st1"), 1);
    assert_eq!(t.sends_to("st2"), 4);
}

#[test]
fn a_cancelled_run_resumed_with_its_id_sends_only_to_the_rest() {
    let t = topic(500);
    let store = t.store();
    let stop = Cell::new(false);
    let first = t.run_with(
        &*store,
        &options("run-a", "o1"),
        &|c| stop.set(c.sent >= 120),
        &|| stop.get(),
    );
    assert!(first.report.cancelled && first.error.is_none());
    let c1 = counts(&first);
    // In-flight sends finish: at most `concurrency` past the stop.
    assert!(c1.sent >= 120 && c1.sent < 124, "{c1:?}");
    assert_eq!(t.sent.borrow().len() as u64, c1.sent);

    let second = t.run_with(&*store, &options("run-a", "o2"), &|_| {}, &|| false);
    let c2 = counts(&second);
    assert!(!second.report.cancelled);
    assert_eq!(c2.already_claimed, c1.sent);
    assert_eq!(c1.sent + c2.sent, active(500) as u64);
    let mut all = t.sent.borrow().clone();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!((n, all.len()), (active(500), active(500)), "exactly once");

    // Another run id is another run.
    let third = t.run_with(&*store, &options("run-b", "o3"), &|_| {}, &|| false);
    assert_eq!(counts(&third).sent, active(500) as u64);
}

#[test]
fn two_runs_sharing_a_store_send_to_each_recipient_once() {
    let t = topic(400);
    let store = t.store();
    let b = Broadcast::new(&request()).unwrap();
    let (o1, o2) = (options("shared", "p1"), options("shared", "p2"));
    let both = futures::future::join(
        broadcast::run(
            &t.h.client,
            &t.h.fake,
            &t.clock,
            &*store,
            &b,
            &o1,
            &|_| {},
            &|| false,
        ),
        broadcast::run(
            &t.h.client,
            &t.h.fake,
            &t.clock,
            &*store,
            &b,
            &o2,
            &|_| {},
            &|| false,
        ),
    );
    let (a, b) = run(both);
    let (ca, cb) = (counts(&a), counts(&b));
    assert_eq!(ca.sent + cb.sent, active(400) as u64);
    assert!(ca.sent > 0 && cb.sent > 0, "{ca:?} {cb:?}");
    assert_eq!(ca.already_claimed, cb.sent);
    assert_eq!(cb.already_claimed, ca.sent);
    let mut all = t.sent.borrow().clone();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), active(400));
}

/// A transport counting the sends in flight and when each started.
#[derive(Clone)]
struct Watched {
    inner: Fake,
    clock: VClock,
    in_flight: Rc<Cell<usize>>,
    most: Rc<Cell<usize>>,
    starts: Rc<RefCell<Vec<u64>>>,
}

impl Detach for Watched {
    fn detach(&self) -> Self {
        self.clone()
    }
}

impl Transport for Watched {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let is_send = req.url.ends_with("/send");
        if is_send {
            self.starts.borrow_mut().push(self.clock.now_ms());
            self.in_flight.set(self.in_flight.get() + 1);
            self.most.set(self.most.get().max(self.in_flight.get()));
        }
        for _ in 0..3 {
            YieldOnce(false).await;
        }
        let r = self.inner.send(req).await;
        if is_send {
            self.in_flight.set(self.in_flight.get() - 1);
        }
        r
    }
}

#[test]
fn concurrency_and_rate_are_bounded() {
    let t = topic(300);
    let w = Watched {
        inner: t.h.fake.clone(),
        clock: t.clock.clone(),
        in_flight: Rc::default(),
        most: Rc::default(),
        starts: Rc::default(),
    };
    let b = Broadcast::new(&request()).unwrap();
    let mut o = options("paced", "o");
    o.concurrency = 3;
    o.per_second = Some(25);
    let store = t.store();
    let start = t.clock.now_ms();
    let r = run(broadcast::run(
        &t.h.client,
        &w,
        &t.clock,
        &*store,
        &b,
        &o,
        &|_| {},
        &|| false,
    ));
    assert_eq!(counts(&r).sent, active(300) as u64);
    assert_eq!(w.most.get(), 3, "never more than `concurrency` in flight");
    let starts = w.starts.borrow();
    assert_eq!(starts.len(), active(300));
    // No second holds more than 25 starts.
    for (i, &t0) in starts.iter().enumerate() {
        let within = starts[i..].iter().filter(|&&t| t < t0 + 1000).count();
        assert!(within <= 25, "{within} starts in the second from {t0}");
    }
    let elapsed = starts.last().unwrap() - start;
    assert!(elapsed >= (active(300) as u64 / 25 - 1) * 1000, "{elapsed}");

    // A bad concurrency is clamped, never a hang.
    let mut o = options("zero", "o");
    o.concurrency = 0;
    assert_eq!(
        counts(&t.run_with(&*store, &o, &|_| {}, &|| false)).sent,
        active(300) as u64
    );
}

struct BrokenStore;

impl ClaimStore for BrokenStore {
    async fn claim(&self, _: &str, _: &str, _: u64) -> Result<bool, Error> {
        Err(Error::network("connection lost"))
    }
    async fn confirm(&self, _: &str, _: &str, _: u64) -> Result<(), Error> {
        Ok(())
    }
    async fn release(&self, _: &str, _: &str) -> Result<(), Error> {
        Ok(())
    }
}

#[test]
fn a_failing_store_or_page_ends_the_run_without_sending() {
    let t = topic(50);
    let r = t.run_with(&BrokenStore, &options("x", "o"), &|_| {}, &|| false);
    let e = r.error.as_ref().unwrap();
    assert!(
        e.message
            .contains("store's claim() failed: connection lost"),
        "{}",
        e.message
    );
    assert_eq!(t.platform.sends(), 0);
    assert_eq!(counts(&r).total, counts(&r).skipped);

    let (h, platform, clock) = client_with(|_, _| Ok(status(404, "no", None)));
    let b = Broadcast::new(&request()).unwrap();
    let store = MemoryClaims::new(clock.clone()).unwrap();
    let r = run(broadcast::run(
        &h.client,
        &h.fake,
        &clock,
        &store,
        &b,
        &options("x", "o"),
        &|_| {},
        &|| false,
    ));
    assert_eq!(r.error.unwrap().status, Some(404));
    assert_eq!(platform.sends(), 0);
}

#[test]
fn a_row_listed_twice_is_sent_once() {
    let sent: Rc<RefCell<Vec<String>>> = Rc::default();
    let s = sent.clone();
    let (h, _, clock) = client_with(move |req, _| {
        if req.url.contains("/query_sub_users") {
            // The same subscriber twice in a row, as a topic changing mid-run can list it.
            let items = vec![subscriber(0), subscriber(0), subscriber(1)];
            return Ok(ok(json!({"items": items, "page_count": 1, "page_no": 1,
                "page_size": 100, "total_count": 3, "ret_code": "000000"})));
        }
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        s.borrow_mut()
            .push(body["recipient_token"].as_str().unwrap().to_owned());
        Ok(ok(json!({"item": {}, "ret_code": "000000"})))
    });
    let store = MemoryClaims::new(clock.clone()).unwrap();
    let b = Broadcast::new(&request()).unwrap();
    let r = run(broadcast::run(
        &h.client,
        &h.fake,
        &clock,
        &store,
        &b,
        &options("dup", "o"),
        &|_| {},
        &|| false,
    ));
    let c = counts(&r);
    assert_eq!((c.total, c.sent, c.already_claimed), (3, 2, 1));
    assert_eq!(*sent.borrow(), vec!["st0".to_owned(), "st1".to_owned()]);
}
