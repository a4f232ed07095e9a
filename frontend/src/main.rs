//! Omni Admin single-page app: Leptos (client-side rendering) compiled to WASM.

mod api;
mod app;
mod chunks;
mod components;
mod pages;
mod reactive;
mod realtime;
mod routes;
mod state;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
