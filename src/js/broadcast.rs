//! `messenger.broadcast()`: its options read from JS, a caller's claim store
//! adapted to [`ClaimStore`], and the report handed back. The run itself is
//! `crate::client::broadcast`.

use super::{MessengerClient, SobotShared};
use crate::client::broadcast::{
    run, Broadcast, BroadcastCounts, ClaimStore, MemoryClaims, RunOptions, DEFAULT_CLAIM_TTL_MS,
    DEFAULT_CONCURRENCY, MAX_CONCURRENCY,
};
use crate::error::Error;
use crate::js::error::reject_call;
use crate::js::io::{call_io, store_error, JsClock};
use crate::js::options::{request_json, Reader};
use crate::validate::Violation;
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The longest wait for one call of a caller's store (ms): the webhook handler's default.
const STORE_TIMEOUT_MS: f64 = crate::webhook::handler::DEFAULT_STORE_TIMEOUT_MS as f64;
/// The longest `claimTtlMs` accepted: a year.
const MAX_CLAIM_TTL_MS: u64 = 365 * 24 * 60 * 60 * 1000;
/// The longest `runId` accepted.
const MAX_RUN_ID_CHARS: usize = 200;

#[wasm_bindgen(module = "/src/js/runtime.js")]
extern "C" {
    #[wasm_bindgen(js_name = storeCall)]
    fn store_call(store: &JsValue, method: &str, args: js_sys::Array, ms: f64) -> Promise;
    #[wasm_bindgen(js_name = ownerId)]
    fn random_id() -> String;
}

#[wasm_bindgen(typescript_custom_section)]
const BROADCAST_TS: &'static str = ts_fill!(r#"
/** A send request without its recipient: the broadcast sets `recipient_token` to each subscriber's `sub_token`. */
export type BroadcastMessage = {
  /** Why the message is sent; `MESSAGE_TAG` requires `tag`. */
  messaging_type?: MessagingType;
  /** The sending Page. */
  pageid: string;
  /** Message tag, required with and only allowed with `MESSAGE_TAG`. */
  tag?: MessageTag;
  recipientid?: never;
  recipient_token?: never;
} & MessageContent;

/** What `messenger.broadcast()` sends, and to whom: a topic as `query_sub_users` names it, or subscriber rows already listed (e.g. a queue message's batch). */
export type BroadcastRequest =
  | {
      /** The Page id (`appid` of `query_sub_users`). */
      appid: string;
      /** The subscription topic's name. */
      title: string;
      subscribers?: never;
      message: BroadcastMessage;
    }
  | {
      /** Subscribers as `query_sub_users` lists them (at most {MAX_GIVEN_SUBSCRIBERS}): those with `sub_status` 1 are sent to. */
      subscribers: SubscribedUser[];
      appid?: never;
      title?: never;
      message: BroadcastMessage;
    };

/** Options of `messenger.broadcast()`. */
export interface BroadcastOptions {
  /** The run's identity: a run started again with the same id and store sends only to those not yet claimed. Default: a random id (in the report). */
  runId?: string;
  /** The most sends in flight (1–{MAX_CONCURRENCY}; default {DEFAULT_CONCURRENCY}). */
  concurrency?: number;
  /** The most sends started in any second (default: no limit but `concurrency`). */
  perSecond?: number;
  /** Stops the run between sends; sends in flight finish. The report then says `cancelled: true`. */
  signal?: AbortSignal;
  /** Called with the counts after each send, and once at the end; what it throws is ignored. */
  onProgress?: (counts: BroadcastCounts) => void;
  /** Where each recipient is claimed before its send and marked after it: the webhook's store shape (`redisDedupeStore` shares a run between processes). Default: this client's memory. */
  store?: DedupeStore;
  /** How long claims and marks hold (default {DEFAULT_CLAIM_TTL_MS} ms, 7 days): longer than the run and any resume of it, or a recipient could be sent to again. */
  claimTtlMs?: number;
  /** Each call's timeout in ms, per attempt. */
  timeoutMs?: number;
}
"#,
    "{MAX_GIVEN_SUBSCRIBERS}" => crate::client::broadcast::MAX_GIVEN_SUBSCRIBERS,
    "{MAX_CONCURRENCY}" => MAX_CONCURRENCY,
    "{DEFAULT_CONCURRENCY}" => DEFAULT_CONCURRENCY,
    "{DEFAULT_CLAIM_TTL_MS}" => DEFAULT_CLAIM_TTL_MS,
);

#[wasm_bindgen]
extern "C" {
    /// `BroadcastOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "BroadcastOptions")]
    pub type BroadcastOptionsArg;
}

/// A caller's store object (`claim`, `confirm`, `release`), each call bounded.
struct JsClaims(JsValue);

impl JsClaims {
    async fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, Error> {
        let args: js_sys::Array = args.iter().collect();
        JsFuture::from(store_call(&self.0, method, args, STORE_TIMEOUT_MS))
            .await
            .map_err(|e| store_error(&e))
    }
}

/// Where a run records its recipients.
enum RunStore {
    Memory(Rc<MemoryClaims<JsClock>>),
    Js(JsClaims),
}

fn ttl(ms: u64) -> JsValue {
    JsValue::from_f64(ms as f64)
}

impl ClaimStore for RunStore {
    async fn claim(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<bool, Error> {
        match self {
            RunStore::Memory(m) => m.claim(key, owner, ttl_ms).await,
            RunStore::Js(s) => {
                let args = [key.into(), owner.into(), ttl(ttl_ms)];
                Ok(s.call("claim", &args).await?.as_bool() == Some(true))
            }
        }
    }

    async fn confirm(&self, key: &str, owner: &str, ttl_ms: u64) -> Result<(), Error> {
        match self {
            RunStore::Memory(m) => m.confirm(key, owner, ttl_ms).await,
            RunStore::Js(s) => {
                let args = [key.into(), owner.into(), ttl(ttl_ms)];
                s.call("confirm", &args).await.map(drop)
            }
        }
    }

    async fn release(&self, key: &str, owner: &str) -> Result<(), Error> {
        match self {
            RunStore::Memory(m) => m.release(key, owner).await,
            RunStore::Js(s) => s
                .call("release", &[key.into(), owner.into()])
                .await
                .map(drop),
        }
    }
}

struct Settings {
    run: RunOptions,
    signal: JsValue,
    on_progress: Option<Function>,
    store: Option<JsValue>,
}

fn read_options(options: &JsValue) -> Result<Settings, Vec<Violation>> {
    let mut r = Reader::optional(options, "options");
    let run_id = r.string("runId");
    if let Some(id) = &run_id {
        if id.trim().is_empty() || id.chars().count() > MAX_RUN_ID_CHARS {
            r.push(Violation::format(
                "runId",
                "a non-blank string of at most 200 characters",
                None,
            ));
        }
    }
    let concurrency = r.integer("concurrency", 1, u64::from(MAX_CONCURRENCY));
    let per_second = r.integer("perSecond", 1, 100_000);
    let signal = r.signal("signal").unwrap_or(JsValue::UNDEFINED);
    let on_progress = r.function("onProgress").map(Function::from);
    let store = r.object("store");
    if let Some(s) = &store {
        let has = |m: &str| {
            Reflect::get(s, &JsValue::from_str(m))
                .map(|f| f.is_function())
                .unwrap_or(false)
        };
        if !["claim", "confirm", "release"].iter().all(|m| has(m)) {
            r.push(Violation::format(
                "store",
                "a store with claim(key, owner, ttlMs), confirm(key, owner, ttlMs) and release(key, owner)",
                None,
            ));
        }
    }
    let claim_ttl_ms = r.integer("claimTtlMs", 1000, MAX_CLAIM_TTL_MS);
    let timeout_ms = r.timeout_ms();
    r.reject_unknown();
    let v = r.finish();
    if !v.is_empty() {
        return Err(v);
    }
    Ok(Settings {
        run: RunOptions {
            run_id: run_id.unwrap_or_else(random_id),
            owner: random_id(),
            concurrency: concurrency.map_or(DEFAULT_CONCURRENCY, |c| c as u32),
            per_second: per_second.map(|n| n as u32),
            claim_ttl_ms: claim_ttl_ms.unwrap_or(DEFAULT_CLAIM_TTL_MS),
            timeout_ms,
        },
        signal,
        on_progress,
        store,
    })
}

impl SobotShared {
    /// The client's own broadcast memory, made on first use.
    fn broadcast_memory(&self) -> Result<Rc<MemoryClaims<JsClock>>, Error> {
        if let Some(m) = self.claims.borrow().as_ref() {
            return Ok(m.clone());
        }
        let clock = JsClock {
            signal: JsValue::UNDEFINED,
        };
        let m = Rc::new(MemoryClaims::new(clock)?);
        *self.claims.borrow_mut() = Some(m.clone());
        Ok(m)
    }
}

const NAME: &str = "messenger.broadcast";

#[wasm_bindgen]
impl MessengerClient {
    /// Sends `request.message` to every subscriber of the topic whose
    /// `sub_status` is 1, with `recipient_token` = their `sub_token`; resolves
    /// to the report. The message is validated before anything is sent. A send
    /// is repeated only when it certainly was not processed; one that may have
    /// been (a 5xx, a timeout) counts as `unknown` and is never sent again.
    /// Each recipient is claimed in `store` before its send and marked after
    /// it, so a run started again with the same `runId` sends only to the rest.
    #[wasm_bindgen(unchecked_return_type = "Promise<BroadcastReport>")]
    pub fn broadcast(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BroadcastRequest")] request: JsValue,
        options: Option<BroadcastOptionsArg>,
    ) -> Promise {
        let me = self.0.clone();
        let options: JsValue = options.map_or(JsValue::UNDEFINED, Into::into);
        future_to_promise(async move {
            let invalid = |v| JsValue::from(Error::validation(v).at(NAME));
            let o = read_options(&options).map_err(invalid)?;
            let req = request_json(&request, "request").map_err(|v| invalid(vec![v]))?;
            let b = Broadcast::new(&req).map_err(JsValue::from)?;
            let store = match o.store {
                Some(s) => RunStore::Js(JsClaims(s)),
                None => RunStore::Memory(me.broadcast_memory().map_err(JsValue::from)?),
            };
            let (transport, clock) = call_io(&me.fetch, &o.signal);
            let progress = |c: &BroadcastCounts| {
                if let Some(f) = &o.on_progress {
                    if let Ok(v) = crate::js::to_js(c) {
                        let _ = f.call1(&JsValue::UNDEFINED, &v);
                    }
                }
            };
            let signal = o.signal.clone();
            let cancelled = || {
                signal.is_object()
                    && Reflect::get(&signal, &JsValue::from_str("aborted"))
                        .map(|a| a.is_truthy())
                        .unwrap_or(false)
            };
            let result = run(
                &me.core, &transport, &clock, &store, &b, &o.run, &progress, &cancelled,
            )
            .await;
            let secrets = me.secrets();
            if let Some(mut e) = result.error {
                e.message = format!(
                    "{NAME} run {} stopped ({} sent): {}",
                    o.run.run_id, result.report.counts.sent, e.message
                );
                return Err(reject_call(e, &transport, &JsValue::UNDEFINED, &secrets));
            }
            let report = result
                .report
                .view(&o.run.run_id, |e| crate::js::error::redact(e, &secrets));
            crate::js::to_js(&report)
        })
    }
}
