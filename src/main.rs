//! The `chanjiao` binary: the command line ([`cli`]) over the server library (`chanjiao-api`)
//! and the tools beside it (`chanjiao-tools`).

mod cli;
mod ops;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    cli::run().await
}
