//! The browser's WebSocket, held with its handlers: dropping a [`Socket`] detaches them and
//! closes it, so a socket that was replaced can never speak for the current one.

use leptos::prelude::window;
use omni_types::live::ClientMessage;
use omni_types::paths;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

/// What the socket tells its owner.
pub enum SocketEvent {
    Open,
    /// A text frame.
    Message(String),
    /// Closed, with the close code (1006 when the connection just dropped).
    Closed(u16),
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

pub struct Socket {
    ws: WebSocket,
    /// Kept alive as long as the socket: the browser calls them.
    _handlers: [Handler; 3],
}

impl Socket {
    /// Opens `ws(s)://<this host>/api/v1/ws`; `on` hears everything that happens to it.
    pub fn open(on: impl Fn(SocketEvent) + 'static) -> Result<Socket, wasm_bindgen::JsValue> {
        let ws = WebSocket::new(&url())?;
        let on = std::rc::Rc::new(on);
        let handler = |read: fn(&web_sys::Event) -> Option<SocketEvent>| {
            let on = on.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                if let Some(signal) = read(&event) {
                    on(signal);
                }
            })
        };
        let opened = handler(|_| Some(SocketEvent::Open));
        let message = handler(|event| {
            let text = event.dyn_ref::<MessageEvent>()?.data().as_string()?;
            Some(SocketEvent::Message(text))
        });
        let closed = handler(|event| {
            Some(SocketEvent::Closed(
                event.dyn_ref::<CloseEvent>().map_or(1006, CloseEvent::code),
            ))
        });
        ws.set_onopen(Some(opened.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(closed.as_ref().unchecked_ref()));
        Ok(Socket {
            ws,
            _handlers: [opened, message, closed],
        })
    }

    /// Sends `message`; false if the socket would not take it (it is closing).
    pub fn send(&self, message: &ClientMessage) -> bool {
        match serde_json::to_string(message) {
            Ok(text) => self.ws.send_with_str(&text).is_ok(),
            Err(_) => false,
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        if self.ws.ready_state() <= WebSocket::OPEN {
            let _ = self.ws.close();
        }
    }
}

/// The API's socket on the host that served the SPA, encrypted when the page is.
fn url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}{}", paths::WS)
}
