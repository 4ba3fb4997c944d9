mod accounts;
mod browser;
mod cli;
mod organizations;
mod pages;
mod postings;
mod reference;
mod support;
