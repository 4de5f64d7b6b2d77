{{ gata_identity_members(gata_tenant()) }}
