//! Keeping the session current in the browser (hydrate only): tab sync, the one-second
//! clock, the re-read when the session's end is due, and the proactive refresh.
//!
//! 1. **Tab sync.** When a tab sees its auth state change (a page loaded signed in after
//!    signing out, or the other way round; a refresh that changed the groups; a server
//!    function that found the session ended), it posts `"changed"` on the
//!    `BroadcastChannel` `leptos_cognito` (where that API is missing, it writes a random
//!    value under the `localStorage` key `leptos_cognito.changed`, whose `storage` event the
//!    other tabs receive). The message carries nothing else: each tab that receives it
//!    re-reads its state from the server (`POST /auth/session`).
//! 2. To know whether a page load changed the state, a tab keeps a 64-bit hash of the
//!    signed-in subject and groups under `leptos_cognito.state` (never a token, never a
//!    readable name or address).
//! 3. **Clock.** Every second the context's clock moves (in server time); when the session's
//!    end ([`SessionTimes::ends_at`](crate::SessionTimes::ends_at)) has passed, the tab
//!    re-reads its state once, so the server ends the session and the page shows it.
//! 4. **Proactive refresh** (`AWS_COGNITO_PROACTIVE_REFRESH_SECONDS`): a visible tab whose
//!    user pressed a key or a pointer since its last refresh refreshes that long before the
//!    access token expires; after a failure it waits 30 s.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use leptos::prelude::set_interval;
use wasm_bindgen::{closure::Closure, JsCast};

use crate::{
    context::{AuthSnapshot, SessionTimes},
    policy::unix_now,
};

/// What the tab keeping needs from the auth context (which owns the signals).
pub(crate) struct Hooks {
    /// The current snapshot.
    pub snapshot: Box<dyn Fn() -> AuthSnapshot>,
    /// Moves the clock; returns (now in server time, the times, whether someone is signed in).
    pub tick: Box<dyn Fn() -> (i64, SessionTimes, bool)>,
    /// Re-reads the session from the server.
    pub resync: Box<dyn Fn()>,
    /// Refreshes now.
    pub extend: Box<dyn Fn()>,
}

const CHANNEL: &str = "leptos_cognito";
const MESSAGE: &str = "changed";
const STATE_KEY: &str = "leptos_cognito.state";
const PING_KEY: &str = "leptos_cognito.changed";
const RETRY_SECS: i64 = 30;

thread_local! {
    static CHANNEL_HANDLE: RefCell<Option<web_sys::BroadcastChannel>> = const { RefCell::new(None) };
    static LAST_ACTIVITY: Cell<i64> = const { Cell::new(0) };
    static LAST_REFRESH: Cell<i64> = const { Cell::new(i64::MIN) };
    static RETRY_AT: Cell<i64> = const { Cell::new(0) };
    static ATTEMPT_EXP: Cell<Option<i64>> = const { Cell::new(None) };
    static DUE_DONE: Cell<Option<i64>> = const { Cell::new(None) };
}

/// Starts the tab's session keeping (called once, by `provide_auth`).
pub(crate) fn start(ctx: Hooks) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let ctx = Rc::new(ctx);
    // Loading the page is not yet a reason to refresh: a key or a pointer is.
    LAST_ACTIVITY.set(unix_now());
    LAST_REFRESH.set(unix_now());
    // The channel first: announcing this page's state needs it.
    listen(&window, ctx.clone());
    announce(&(ctx.snapshot)());
    for event in ["pointerdown", "keydown"] {
        let cb = Closure::<dyn FnMut()>::new(|| LAST_ACTIVITY.set(unix_now()));
        let _ = window.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref());
        cb.forget();
    }
    if let Some(doc) = window.document() {
        let c = ctx.clone();
        let cb = Closure::<dyn FnMut()>::new(move || tick(&c));
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
        cb.forget();
    }
    set_interval(move || tick(&ctx), Duration::from_secs(1));
}

/// Receives the other tabs' "changed".
fn listen(window: &web_sys::Window, ctx: Rc<Hooks>) {
    match web_sys::BroadcastChannel::new(CHANNEL) {
        Ok(channel) => {
            let cb = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                move |e: web_sys::MessageEvent| {
                    if e.data().as_string().as_deref() == Some(MESSAGE) {
                        (ctx.resync)();
                    }
                },
            );
            channel.set_onmessage(Some(cb.as_ref().unchecked_ref()));
            cb.forget();
            CHANNEL_HANDLE.with(|c| *c.borrow_mut() = Some(channel));
        }
        Err(_) => {
            let cb = Closure::<dyn FnMut(web_sys::StorageEvent)>::new(
                move |e: web_sys::StorageEvent| {
                    if e.key().as_deref() == Some(PING_KEY) {
                        (ctx.resync)();
                    }
                },
            );
            let _ = window.add_event_listener_with_callback("storage", cb.as_ref().unchecked_ref());
            cb.forget();
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A 64-bit FNV-1a hash of who is signed in (`None`: the state is not known, e.g. Cognito
/// was unreachable).
fn fingerprint(snapshot: &AuthSnapshot) -> Option<String> {
    if snapshot.is_unavailable() {
        return None;
    }
    let text = match snapshot.user() {
        Some(u) => format!("in\u{0}{}\u{0}{}", u.sub, u.groups.join("\u{0}")),
        None => "out".to_string(),
    };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    Some(format!("{h:016x}"))
}

/// Records the tab's state; `true` if it differs from the one recorded last (by any tab).
pub(crate) fn remember(snapshot: &AuthSnapshot) -> bool {
    let Some(f) = fingerprint(snapshot) else {
        return false;
    };
    let Some(s) = storage() else {
        return true;
    };
    if s.get_item(STATE_KEY).ok().flatten().as_deref() == Some(f.as_str()) {
        return false;
    }
    let _ = s.set_item(STATE_KEY, &f);
    true
}

/// Tells the other tabs, if this tab's state is not the one last recorded.
pub(crate) fn announce(snapshot: &AuthSnapshot) {
    if !remember(snapshot) {
        return;
    }
    let sent = CHANNEL_HANDLE.with(|c| {
        c.borrow()
            .as_ref()
            .is_some_and(|ch| ch.post_message(&MESSAGE.into()).is_ok())
    });
    if !sent {
        if let Some(s) = storage() {
            let nonce = format!("{}", js_sys::Math::random());
            let _ = s.set_item(PING_KEY, &nonce);
        }
    }
}

fn visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// One second passed (or the tab became visible).
fn tick(ctx: &Hooks) {
    let (now, times, signed_in) = (ctx.tick)();
    if !signed_in {
        return;
    }
    if let Some(end) = times.ends_at() {
        if now > end && DUE_DONE.get() != Some(end) {
            DUE_DONE.set(Some(end));
            (ctx.resync)();
            return;
        }
    }
    let (Some(lead), Some(exp)) = (times.proactive_refresh, times.access_expires_at) else {
        return;
    };
    let local = unix_now();
    // The last attempt succeeded once the access token's expiry moved: no back-off then.
    if ATTEMPT_EXP.get().is_some_and(|e| e != exp) {
        ATTEMPT_EXP.set(None);
        RETRY_AT.set(0);
    }
    if times.refreshable
        && now >= exp - lead
        && visible()
        && LAST_ACTIVITY.get() > LAST_REFRESH.get()
        && local >= RETRY_AT.get()
    {
        LAST_REFRESH.set(local);
        RETRY_AT.set(local + RETRY_SECS);
        ATTEMPT_EXP.set(Some(exp));
        (ctx.extend)();
    }
}
