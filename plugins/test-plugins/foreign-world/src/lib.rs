//! A component of a world Ralex does not know (`acme:gadgets/gadget`), for the
//! kernel's load-refusal tests.

// A guest only: there is nothing to build for the host.
#![cfg(target_arch = "wasm32")]

wit_bindgen::generate!({
    world: "gadget",
    path: "wit",
});

struct Gadget;

impl Guest for Gadget {
    fn hello() -> String {
        "hello from a foreign world".to_string()
    }
}

export!(Gadget);
