//! `omni-demo-mcp [--port N]`: the demo MCP server on 127.0.0.1 (default port 8091).

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut port: u16 = 8091;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| std::io::Error::other("--port needs a number"))?;
            }
            other => return Err(std::io::Error::other(format!("unknown argument `{other}`"))),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        eprintln!(
            "omni-demo-mcp: MCP endpoint at {}",
            omni_demo_mcp::url(listener.local_addr()?)
        );
        tokio::select! {
            served = omni_demo_mcp::serve(listener) => served,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}
