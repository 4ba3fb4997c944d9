//! The `chanjiao` binary: a thin shell over `chanjiao_api::cli`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    chanjiao_api::cli::run().await
}
