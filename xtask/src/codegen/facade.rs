//! The facade's generated code (`crates/facade/src/generated/`).

use super::GeneratedFile;
use super::spec::Api;

pub(crate) fn generate(_api: &Api) -> Result<Vec<GeneratedFile>, String> {
    Ok(Vec::new())
}
