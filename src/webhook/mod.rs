//! Incoming webhooks as pure functions: verify a signature over raw bytes,
//! parse a payload, and normalise the events of both channels into one shape.
