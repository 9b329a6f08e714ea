//! `sign` and `getToken` for JavaScript.

use super::{error, io, options};
use crate::client as core;
use secrecy::ExposeSecret;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `md5(appid + create_time + app_key)` as 32 lowercase hex digits: the
/// `sign` parameter of `get_token`.
#[wasm_bindgen(js_name = sign)]
pub fn sign(appid: &str, create_time: &str, app_key: &str) -> String {
    core::sign(appid, create_time, app_key)
}

#[wasm_bindgen(typescript_custom_section)]
const TOKEN_TS: &'static str = ts_fill!(r#"
/** Options of `getToken`. */
export interface GetTokenOptions {
  /** The app id (`appid`) given by Sobot. */
  appId: string;
  /** The app key; it leaves the process only inside the md5 `sign`. */
  appKey: string;
  /** Base URL of the regional Sobot host; default `{DEFAULT_BASE_URL}`. */
  baseUrl?: string;
  /** Timeout of the request in ms (default {DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Cancels the request; it then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Accept a plain-http `baseUrl` off this machine (default false). */
  allowInsecureHttp?: boolean;
}

/** A Sobot token. Every `get_token` call invalidates the previous token. */
export interface Token {
  /** The value of the `token` header. */
  token: string;
  /** Lifetime in seconds, as the platform gave it. */
  expiresIn: number;
  /** Expiry time in milliseconds since the Unix epoch. */
  expiresAt: number;
}
"#,
    "{DEFAULT_BASE_URL}" => crate::client::token::DEFAULT_BASE_URL,
    "{DEFAULT_TIMEOUT_MS}" => crate::client::config::DEFAULT_TIMEOUT_MS,
);

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenOut<'a> {
    token: &'a str,
    expires_in: u64,
    expires_at: u64,
}

/// Gets a new Sobot token with `GET {baseUrl}/api/get_token`. Rejects with a
/// `SobotError`; invalid options reject with kind `validation` and send nothing.
#[wasm_bindgen(
    js_name = getToken,
    unchecked_return_type = "Promise<Token>"
)]
pub fn get_token(
    #[wasm_bindgen(unchecked_param_type = "GetTokenOptions")] options: JsValue,
) -> js_sys::Promise {
    wasm_bindgen_futures::future_to_promise(async move {
        let mut opts = options::Reader::new(&options, "options");
        let creds = opts.credentials(false);
        let timeout_ms = opts.timeout_ms();
        let signal = opts.signal("signal").unwrap_or(JsValue::UNDEFINED);
        opts.reject_unknown();
        let violations = opts.finish_with(&creds);
        let (transport, clock) = io::call_io(&JsValue::UNDEFINED, &signal);
        let secrets = std::slice::from_ref(&creds.app_key);
        if !violations.is_empty() {
            // (a value given in the wrong option may be the key)
            let e = crate::Error::validation(violations).at(crate::api::GET_TOKEN.name);
            return Err(error::reject_call(
                e,
                &transport,
                &JsValue::UNDEFINED,
                secrets,
            ));
        }
        let timeout = timeout_ms.unwrap_or(core::config::DEFAULT_TIMEOUT_MS);
        let token = core::fetch_token(&transport, &clock, &creds, timeout)
            .await
            .map_err(|e| error::reject_call(e, &transport, &signal, secrets))?;
        let out = TokenOut {
            token: token.token.expose_secret(),
            expires_in: token.expires_in,
            expires_at: token.expires_at_ms,
        };
        options::to_js(&out)
    })
}
