//! Walking paged endpoints: Sobot's `page_no`/`page_size` and Graph's cursors.
//! The walkers only decide what to ask next and when to stop; the calls are
//! made by the clients.

use serde_json::{Map, Value};

/// The largest `page_size` the documents allow (查询条数(默认15,最大100)).
pub const MAX_PAGE_SIZE: u64 = 100;

/// Walks a Sobot paged endpoint from `page_no` on.
#[derive(Debug, Clone)]
pub struct PageWalker {
    base: Map<String, Value>,
    page_no: u64,
    page_size: u64,
    list: &'static str,
    done: bool,
}

fn as_u64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl PageWalker {
    /// A walker over `filter` (the request without paging, or with a first
    /// `page_no` and a `page_size`); pages hold their items in `list`.
    pub fn new(filter: &Value, list: &'static str) -> Self {
        let base = filter.as_object().cloned().unwrap_or_default();
        let page_no = as_u64(base.get("page_no")).unwrap_or(1).max(1);
        let page_size = as_u64(base.get("page_size"))
            .unwrap_or(MAX_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE);
        PageWalker {
            base,
            page_no,
            page_size,
            list,
            done: false,
        }
    }

    /// The request of the next page, or `None` when the walk is over.
    pub fn next_request(&self) -> Option<Value> {
        if self.done {
            return None;
        }
        let mut req = self.base.clone();
        req.insert("page_no".into(), Value::from(self.page_no));
        req.insert("page_size".into(), Value::from(self.page_size));
        Some(Value::Object(req))
    }

    /// Takes a page's answer: returns its items and moves on. The walk ends
    /// at `page_count`, or (when the answer has none) at a short or empty page.
    pub fn advance(&mut self, mut page: Value) -> Vec<Value> {
        let items = match page.get_mut(self.list).map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let last = match as_u64(page.get("page_count")) {
            Some(count) => self.page_no >= count,
            None => (items.len() as u64) < self.page_size,
        };
        if last || items.is_empty() {
            self.done = true;
        } else {
            self.page_no += 1;
        }
        items
    }

    /// Whether the walk is over.
    pub fn is_done(&self) -> bool {
        self.done
    }
}

/// Walks a Graph edge by `paging.cursors.after`.
#[derive(Debug, Clone, Default)]
pub struct CursorWalker {
    after: Option<String>,
    done: bool,
}

impl CursorWalker {
    /// A walker starting at `after` (or at the first page).
    pub fn new(after: Option<String>) -> Self {
        CursorWalker { after, done: false }
    }

    /// The `after` cursor of the next page; `None` inside `Some` for the first.
    pub fn next_after(&self) -> Option<Option<&str>> {
        (!self.done).then_some(self.after.as_deref())
    }

    /// Takes a page (`{ data, paging }`): returns `data` and moves on. The walk
    /// ends when the page is empty or has no `paging.next`.
    pub fn advance(&mut self, mut page: Value) -> Vec<Value> {
        let data = match page.get_mut("data").map(Value::take) {
            Some(Value::Array(d)) => d,
            _ => Vec::new(),
        };
        let paging = page.get("paging");
        let next = paging
            .and_then(|p| p.get("next"))
            .is_some_and(|n| n.is_string());
        let after = paging
            .and_then(|p| p.get("cursors"))
            .and_then(|c| c.get("after"))
            .and_then(Value::as_str);
        match after {
            Some(a) if next && !data.is_empty() && Some(a) != self.after.as_deref() => {
                self.after = Some(a.to_owned());
            }
            _ => self.done = true,
        }
        data
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_pages_to_page_count() {
        let mut w = PageWalker::new(&json!({"task_name": "t", "page_size": 2}), "items");
        let r = w.next_request().unwrap();
        assert_eq!(r, json!({"task_name": "t", "page_no": 1, "page_size": 2}));
        let items = w.advance(json!({"items": [1, 2], "page_count": 2, "page_no": 1}));
        assert_eq!(items, vec![json!(1), json!(2)]);
        assert_eq!(w.next_request().unwrap()["page_no"], 2);
        w.advance(json!({"items": [3], "page_count": 2}));
        assert!(w.is_done() && w.next_request().is_none());
    }

    #[test]
    fn stops_on_empty_or_short_pages_without_counts() {
        let mut w = PageWalker::new(&json!({}), "item");
        assert_eq!(w.next_request().unwrap()["page_size"], 100);
        w.advance(json!({"item": []}));
        assert!(w.is_done());
        let mut w = PageWalker::new(&json!({"page_size": 3, "page_no": 4}), "items");
        assert_eq!(w.next_request().unwrap()["page_no"], 4);
        w.advance(json!({"items": [1, 2, 3]}));
        assert!(!w.is_done());
        w.advance(json!({"items": [1]}));
        assert!(w.is_done());
        // A server that keeps claiming more pages but sends nothing ends too.
        let mut w = PageWalker::new(&json!({}), "items");
        w.advance(json!({"items": [], "page_count": 99}));
        assert!(w.is_done());
    }

    #[test]
    fn clamps_page_size() {
        let w = PageWalker::new(&json!({"page_size": 1000}), "items");
        assert_eq!(w.next_request().unwrap()["page_size"], 100);
    }

    #[test]
    fn walks_cursors() {
        let mut w = CursorWalker::new(None);
        assert_eq!(w.next_after(), Some(None));
        let d = w.advance(json!({"data": [{"id": "1"}], "paging": {"cursors": {"after": "A"}, "next": "http://x"}}));
        assert_eq!(d.len(), 1);
        assert_eq!(w.next_after(), Some(Some("A")));
        w.advance(json!({"data": [{"id": "2"}], "paging": {"cursors": {"after": "B"}}}));
        assert_eq!(w.next_after(), None);
        // A repeated cursor ends the walk instead of looping.
        let mut w = CursorWalker::new(Some("A".into()));
        w.advance(json!({"data": [1], "paging": {"cursors": {"after": "A"}, "next": "n"}}));
        assert_eq!(w.next_after(), None);
    }
}
