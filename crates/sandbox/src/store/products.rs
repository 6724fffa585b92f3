//! Every other product's resources (`generated/products.rs`, read by `crud/`): per resource
//! its paths, operations, fields and members. The items written to them are kept in the one
//! store of written items (`store/written.rs`), by host label and collection.

use serde_json::Value;

/// One resource of a product: a collection path and the operations on it and its items.
#[derive(Debug)]
pub(crate) struct Resource {
    /// The collection's path template, `/v2/Services/{ServiceSid}/Verifications`.
    pub(crate) list: &'static str,
    /// The operations it has: `c`reate, `f`etch, `l`ist, `u`pdate, `d`elete.
    pub(crate) ops: &'static str,
    /// The item member each path parameter of `list` sets (`""`: none).
    pub(crate) parents: &'static [&'static str],
    /// The path parameter naming an item (`""`: no operation on an item).
    pub(crate) item: &'static str,
    /// The member that names an item (`sid`, `identity`, `phone_number`).
    pub(crate) id_field: &'static str,
    /// The SID prefix of a new item's `sid` (`""`: it has none).
    pub(crate) prefix: &'static str,
    /// The `meta` key of its list (`""`: no list).
    pub(crate) key: &'static str,
    /// The create's success status.
    pub(crate) status: u16,
    /// The item's members, each after its default's kind: `i` 0, `b` false, `a` [], `-` null
    /// (separated by spaces).
    pub(crate) fields: &'static str,
    /// `(member of links, path segment)` of the collections under an item.
    pub(crate) links: &'static [(&'static str, &'static str)],
    /// The create's fields, `[!]Name:member:kind` (separated by spaces).
    pub(crate) create: &'static str,
    /// The update's fields, as `create`'s.
    pub(crate) update: &'static str,
}

impl Resource {
    /// Whether it has the operation `op` (`c`, `f`, `l`, `u`, `d`).
    pub(crate) fn has(&self, op: char) -> bool {
        self.ops.contains(op)
    }

    /// The item's members with their defaults.
    pub(crate) fn members(&self) -> impl Iterator<Item = (&'static str, Value)> {
        self.fields.split_ascii_whitespace().filter_map(|f| {
            let mut chars = f.chars();
            let kind = chars.next()?;
            let default = match kind {
                'i' => Value::from(0),
                'b' => Value::Bool(false),
                'a' => Value::Array(Vec::new()),
                _ => Value::Null,
            };
            Some((chars.as_str(), default))
        })
    }

    /// Whether the item has the member `name`.
    pub(crate) fn has_member(&self, name: &str) -> bool {
        self.fields
            .split_ascii_whitespace()
            .any(|f| f.get(1..) == Some(name))
    }
}

/// A form field of a create or an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyField {
    pub(crate) name: &'static str,
    /// The item member it sets, if any.
    pub(crate) member: Option<&'static str>,
    pub(crate) required: bool,
    pub(crate) kind: FieldKind,
}

/// A form field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldKind {
    Text,
    Integer,
    Bool,
    Many,
    Sid(&'static str),
}

impl BodyField {
    /// Reads `[!]Name:member:kind`.
    pub(crate) fn parse(spec: &'static str) -> Option<Self> {
        let (required, rest) = match spec.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, spec),
        };
        let mut parts = rest.splitn(3, ':');
        let name = parts.next()?;
        let member = parts.next().filter(|m| !m.is_empty());
        let kind = match parts.next()? {
            "i" => FieldKind::Integer,
            "b" => FieldKind::Bool,
            "m" => FieldKind::Many,
            other => match other.strip_prefix('s') {
                Some(prefix) if !prefix.is_empty() => FieldKind::Sid(prefix),
                _ => FieldKind::Text,
            },
        };
        Some(Self {
            name,
            member,
            required,
            kind,
        })
    }
}

/// The resources of the product on host label `label`.
pub(crate) fn product(label: &str) -> Option<&'static [Resource]> {
    crate::generated::products::PRODUCTS
        .iter()
        .find(|(known, _)| *known == label)
        .map(|(_, resources)| *resources)
}

/// Every host label the sandbox serves besides 2010-04-01's.
pub(crate) fn labels() -> impl ExactSizeIterator<Item = &'static str> {
    crate::generated::products::PRODUCTS.iter().map(|(l, _)| *l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse() {
        assert_eq!(
            BodyField::parse("!FriendlyName:friendly_name:t"),
            Some(BodyField {
                name: "FriendlyName",
                member: Some("friendly_name"),
                required: true,
                kind: FieldKind::Text,
            })
        );
        assert_eq!(
            BodyField::parse("ServiceSid::sVA").map(|f| (f.member, f.kind)),
            Some((None, FieldKind::Sid("VA")))
        );
    }
}
