//! The endpoint catalogue as data: one entry per endpoint of the documents,
//! saying how to call it and how it may be retried.

/// HTTP method of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `GET`, parameters in the query string.
    Get,
    /// `POST`, parameters as a JSON body.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// How an endpoint authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// No credential (the token endpoint signs its query instead).
    None,
    /// The Sobot `token` header.
    SobotToken,
    /// Graph's `access_token` query parameter.
    GraphAccessToken,
}

/// Whether a failed call may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrySafety {
    /// A read: repeating it changes nothing.
    Safe,
    /// A write: repeat only when the request certainly was not processed.
    OnlyIfNotProcessed,
}

/// How an endpoint pages its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// A single answer.
    None,
    /// Sobot's `page_no` / `page_size` with `page_count` and `total_count`.
    PageNo,
    /// Graph's `paging.cursors` and `paging.next`.
    GraphCursor,
}

/// One endpoint of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Stable name used in errors and logs, e.g. `get_token`.
    pub name: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path below the base URL.
    pub path: &'static str,
    /// How the call authenticates.
    pub auth: Auth,
    /// How answers are paged.
    pub paging: Paging,
    /// Whether a retry is safe.
    pub retry: RetrySafety,
}

/// `GET /api/get_token`: a new token, invalidating the previous one.
pub const GET_TOKEN: Endpoint = Endpoint {
    name: "get_token",
    method: Method::Get,
    path: "/api/get_token",
    auth: Auth::None,
    paging: Paging::None,
    retry: RetrySafety::Safe,
};

/// Every endpoint the crate knows.
pub const CATALOGUE: &[Endpoint] = &[GET_TOKEN];

/// Appends `s` to `out`, percent-encoded as a URL query component.
pub fn encode_query_component(out: &mut String, s: &str) {
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            _ => {
                out.push('%');
                out.push(crate::hex::upper(b >> 4));
                out.push(crate::hex::upper(b));
            }
        }
    }
}

/// Builds `base + path + ?k=v&…`, encoding each value; `base` may end in `/`.
pub fn url(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(base.len() + path.len() + 16 * query.len());
    out.push_str(base.trim_end_matches('/'));
    out.push_str(path);
    for (i, (k, v)) in query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        encode_query_component(&mut out, k);
        out.push('=');
        encode_query_component(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_urls() {
        assert_eq!(
            url(
                "https://sg.sobot.com/",
                GET_TOKEN.path,
                &[("appid", "a b&c"), ("sign", "x")]
            ),
            "https://sg.sobot.com/api/get_token?appid=a%20b%26c&sign=x"
        );
        assert_eq!(url("http://h", "/p", &[]), "http://h/p");
        let mut s = String::new();
        encode_query_component(&mut s, "测");
        assert_eq!(s, "%E6%B5%8B");
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in CATALOGUE.iter().enumerate() {
            for b in CATALOGUE.iter().skip(i + 1) {
                assert_ne!(a.name, b.name);
            }
        }
    }
}
