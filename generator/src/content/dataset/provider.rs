//! Dataset providers: names, descriptions and roles mapped to the four STAC
//! provider roles, with the words feedstocks really use.

use almanac_model::{Provider, ProviderRole};

use crate::content::document::Node;
use crate::content::fields::Reader;
use crate::diagnostics::Diagnostics;

pub(super) fn providers(reader: &Reader<'_>, diagnostics: &mut Diagnostics) -> Vec<Provider> {
    let mut providers = Vec::new();
    for item in reader.get("providers").map(Node::items).unwrap_or_default() {
        let fields = Reader::new(
            reader.file(),
            item,
            &["name", "description", "roles", "url"],
            diagnostics,
        );
        let Some(name) = fields.required("name", diagnostics) else {
            continue;
        };
        let mut provider = Provider {
            name,
            description: fields.string("description", diagnostics),
            roles: Vec::new(),
            other_roles: Vec::new(),
            url: fields.string("url", diagnostics),
            organization: None,
            extra: fields.extra(&["name", "description", "roles", "url"], diagnostics),
        };
        for (role, position) in fields.strings("roles", diagnostics) {
            match map_role(&role) {
                RoleMapping::Stac(stac) => provider.roles.push(stac),
                RoleMapping::Mapped(stac) => {
                    diagnostics
                        .warning(
                            "provider-role",
                            fields.at(position),
                            format!(
                                "provider role `{role}` is not a STAC role; read as `{}`",
                                role_name(stac)
                            ),
                        )
                        .help = Some(
                        "STAC provider roles are producer, licensor, processor and host".into(),
                    );
                    provider.roles.push(stac);
                }
                RoleMapping::None => {
                    diagnostics
                        .warning(
                            "provider-role",
                            fields.at(position),
                            format!("provider role `{role}` has no STAC equivalent; kept as text"),
                        )
                        .help = Some(
                        "STAC provider roles are producer, licensor, processor and host".into(),
                    );
                    provider.other_roles.push(role);
                }
            }
        }
        provider.roles.sort();
        provider.roles.dedup();
        providers.push(provider);
    }
    providers
}

enum RoleMapping {
    Stac(ProviderRole),
    Mapped(ProviderRole),
    None,
}

fn map_role(role: &str) -> RoleMapping {
    match role.trim().to_lowercase().as_str() {
        "producer" => RoleMapping::Stac(ProviderRole::Producer),
        "licensor" => RoleMapping::Stac(ProviderRole::Licensor),
        "processor" => RoleMapping::Stac(ProviderRole::Processor),
        "host" => RoleMapping::Stac(ProviderRole::Host),
        "data provider" | "provider" | "creator" | "author" => {
            RoleMapping::Mapped(ProviderRole::Producer)
        }
        "distributor" | "hosting" | "archive" => RoleMapping::Mapped(ProviderRole::Host),
        "curator" | "processing" => RoleMapping::Mapped(ProviderRole::Processor),
        _ => RoleMapping::None,
    }
}

/// The STAC spelling of a provider role.
#[must_use]
pub const fn role_name(role: ProviderRole) -> &'static str {
    match role {
        ProviderRole::Licensor => "licensor",
        ProviderRole::Producer => "producer",
        ProviderRole::Processor => "processor",
        ProviderRole::Host => "host",
    }
}
