//! [`Attempt`]: which attempt at sending a request this is.

/// Which attempt at sending a request this is, counting from 1.
///
/// [`RetryTransport`](crate::RetryTransport) puts it in the extensions of every request it
/// passes on (so [`HyperTransport`](crate::HyperTransport)'s `twilio.http` span can record it)
/// and of the response it returns (there it is the number of attempts that were made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attempt(u32);

impl Attempt {
    /// The first attempt.
    pub const FIRST: Self = Self(1);

    /// Attempt number `number` (0 is taken as 1).
    pub fn new(number: u32) -> Self {
        Self(number.max(1))
    }

    /// The attempt's number, from 1.
    pub fn number(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_count_from_one() {
        assert_eq!(Attempt::new(0), Attempt::FIRST);
        assert_eq!(Attempt::new(3).number(), 3);
        assert!(Attempt::new(2) > Attempt::FIRST);
    }
}
