//! Standard output, claimed so that a closed or unwritable stdout is an error.

use std::io::{self, Write as _};

/// Standard output as a file of its own (a duplicate of descriptor 1), checked to be open
/// and writable: what the export writes to.
///
/// Rust's runtime puts /dev/null, open for reading and writing, in place of a closed
/// descriptor 1 before `main`, and its `Stdout` takes a write to a closed descriptor
/// (`EBADF`) as a success: either way an export run with `>&-` or `1</dev/null` would fetch
/// every page, write nothing and succeed. Here a closed stdout is recognised (on Linux) and
/// refused, and every write error is seen. A `>/dev/null` (write-only) is a deliberate
/// discard and is taken. Call it before the runtime starts.
#[cfg(unix)]
pub(crate) fn claim_stdout() -> io::Result<Stdout> {
    use std::os::fd::AsFd as _;
    let mut file = std::fs::File::from(io::stdout().as_fd().try_clone_to_owned()?);
    #[cfg(target_os = "linux")]
    if is_stand_in_for_closed_stdout() {
        return Err(io::Error::new(
            io::ErrorKind::NotConnected,
            "it is closed (/dev/null open for reading and writing stands in for it; to \
             discard the output, redirect it to /dev/null)",
        ));
    }
    // A write of nothing: Linux refuses it with EBADF when the descriptor is not open for
    // writing, and /dev/full with ENOSPC; a pipe, a terminal or a file takes it.
    file.write(&[])
        .map_err(|err| io::Error::new(err.kind(), format!("a write to it fails ({err})")))?;
    Ok(file)
}

/// Whether descriptor 1 is what a closed stdout becomes before `main`: /dev/null open for
/// reading and writing (a shell's `>/dev/null` opens it write-only).
#[cfg(target_os = "linux")]
fn is_stand_in_for_closed_stdout() -> bool {
    const ACCESS_MODE: u32 = 0o3;
    const READ_WRITE: u32 = 0o2;
    let is_null = std::fs::read_link("/proc/self/fd/1")
        .is_ok_and(|target| target == std::path::Path::new("/dev/null"));
    is_null
        && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("flags:"))
                .and_then(|flags| u32::from_str_radix(flags.trim(), 8).ok())
                .is_some_and(|flags| flags & ACCESS_MODE == READ_WRITE)
        })
}

/// Standard output, as the export writes to it.
#[cfg(unix)]
pub(crate) type Stdout = std::fs::File;

/// Standard output (off Unix, the standard library's own).
#[cfg(not(unix))]
pub(crate) fn claim_stdout() -> io::Result<Stdout> {
    Ok(io::stdout())
}

/// Standard output, as the export writes to it.
#[cfg(not(unix))]
pub(crate) type Stdout = io::Stdout;
