//! Typed calls into plugins, one file per world the kernel can run.

pub mod agent;
pub mod analyzer;
pub mod compressor;
pub mod enhancer;
pub mod intent;
pub mod learner;
pub mod parser;
pub mod router;
pub mod step;
