//! Memory a hostile webhook body can make the parser take. In WebAssembly,
//! linear memory grows to the peak and never shrinks, so the peak heap of
//! parsing and normalising one body is what an instance keeps for good.
//! A body of many tiny events (`{"events":[{},{},…]}`) once cost the size of
//! the largest event type per `{}` (about 1 KiB here): a 1 MiB body took
//! over 600 MiB of linear memory.

use sobot_channels::model::webhook::{Item, LineEvent, MessagingEvent};
use sobot_channels::webhook::{self, Channel, ParseOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// The tests of this file measure one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

/// Peak heap above the start while `f` runs, in bytes.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.load(Relaxed);
    PEAK.store(start, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed) - start)
}

/// A body of `n` empty events (about 3 bytes each) of `channel`.
fn many_empty(channel: Channel, n: usize) -> Vec<u8> {
    match channel {
        Channel::Line => format!(
            "{{\"destination\":\"U\",\"events\":[{}{{}}]}}",
            "{},".repeat(n - 1)
        ),
        Channel::Messenger => format!(
            "{{\"object\":\"page\",\"entry\":[{{\"id\":\"1\",\"time\":1,\"messaging\":[{}{{}}]}}]}}",
            "{},".repeat(n - 1)
        ),
    }
    .into_bytes()
}

#[test]
fn an_element_costs_a_few_words_whatever_its_kind() {
    assert!(std::mem::size_of::<Item<LineEvent>>() <= 48);
    assert!(std::mem::size_of::<Item<MessagingEvent>>() <= 48);
}

#[test]
fn a_body_of_empty_events_parses_and_normalises_in_bounded_memory() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for channel in [Channel::Line, Channel::Messenger] {
        let body = many_empty(channel, 100_000);
        assert!(body.len() <= webhook::DEFAULT_MAX_BYTES);
        let (payload, parse_peak) =
            peak_of(|| webhook::parse(channel, &body, ParseOptions::default()).unwrap());
        // Normalised events written out one by one, as the JS layer does.
        let (count, events_peak) = peak_of(|| {
            let mut n = 0;
            for ev in webhook::events(&payload) {
                serde_json::to_writer(std::io::sink(), &ev).unwrap();
                n += 1;
            }
            n
        });
        assert_eq!(count, 100_000);
        eprintln!(
            "{}: body {} B, parse peak {} B, events peak {} B",
            channel.as_str(),
            body.len(),
            parse_peak,
            events_peak
        );
        // Before: ~1 KiB per element, plus the vector's doubling (> 600 MiB).
        assert!(parse_peak < 40 * body.len(), "parse peak {parse_peak}");
        assert!(events_peak < body.len(), "events peak {events_peak}");
    }
}

#[test]
fn the_events_iterator_gives_what_normalize_collects() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let body = std::fs::read("tests/fixtures/messenger/webhook_ref_mixed_unknown.json").unwrap();
    let p = webhook::parse(Channel::Messenger, &body, ParseOptions::default()).unwrap();
    let all = serde_json::to_value(webhook::normalize(&p)).unwrap();
    let one_by_one: Vec<_> = webhook::events(&p)
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    assert_eq!(all, serde_json::Value::Array(one_by_one));
}
