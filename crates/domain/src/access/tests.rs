use super::*;

/// Every caller there can be: each role, with no organization or one of each kind in each
/// verification state, acting for a client or not.
fn every_caller() -> Vec<Caller> {
    let mut standings = vec![None];
    for &kind in OrgKind::ALL {
        for &verification in Verification::ALL {
            standings.push(Some(Standing { kind, verification }));
        }
    }
    let mut out = Vec::new();
    for &role in Role::ALL {
        for &organization in &standings {
            for acting_for_client in [false, true] {
                out.push(Caller { role, organization, acting_for_client, api_key: false });
            }
        }
    }
    out
}

fn org(role: Role, kind: OrgKind, verification: Verification) -> Caller {
    Caller { role, organization: Some(Standing { kind, verification }), acting_for_client: false, api_key: false }
}

#[test]
fn pending_and_rejected_organizations_hold_no_power_and_are_told_why() {
    for caller in every_caller() {
        let Some(standing) = caller.organization.filter(|_| caller.role != Role::PlatformAdmin) else { continue };
        for &power in Power::ALL {
            let verified =
                Caller { organization: Some(Standing { verification: Verification::Verified, ..standing }), ..caller };
            let answer = decide(&caller, power);
            match standing.verification {
                Verification::Verified => {}
                Verification::Pending if decide(&verified, power).is_ok() => {
                    assert_eq!(answer, Err(Refusal::NotVerified), "{caller:?} {power}")
                }
                Verification::Rejected if decide(&verified, power).is_ok() => {
                    assert_eq!(answer, Err(Refusal::Rejected), "{caller:?} {power}")
                }
                _ => assert!(answer.is_err(), "{caller:?} {power}"),
            }
        }
    }
}

#[test]
fn a_verified_organization_holds_exactly_the_powers_of_its_kind() {
    for &kind in OrgKind::ALL {
        for &power in Power::ALL {
            let rule = power.rule();
            let admin = decide(&org(Role::OrgAdmin, kind, Verification::Verified), power);
            assert_eq!(admin.is_ok(), rule.kinds.contains(&kind), "{kind} {power}");
            let member = decide(&org(Role::Member, kind, Verification::Verified), power);
            assert_eq!(member.is_ok(), rule.kinds.contains(&kind) && !rule.administrators_only, "{kind} {power}");
        }
    }
}

#[test]
fn only_verified_authorities_and_platform_admins_oversee_and_designate() {
    for caller in every_caller() {
        for power in [Power::OverseeCity, Power::RecordDesignations, Power::AppointAssessors] {
            let expected = caller.role == Role::PlatformAdmin
                || (caller.organization
                    == Some(Standing { kind: OrgKind::Authority, verification: Verification::Verified })
                    && !caller.acting_for_client);
            assert_eq!(decide(&caller, power).is_ok(), expected, "{caller:?} {power}");
        }
    }
}

#[test]
fn platform_admins_keep_the_platform_powers_and_nothing_that_needs_an_organization() {
    let admin = Caller { role: Role::PlatformAdmin, organization: None, acting_for_client: false, api_key: false };
    let held: Vec<Power> = Power::ALL.iter().copied().filter(|&p| decide(&admin, p).is_ok()).collect();
    assert_eq!(
        held,
        [Power::OverseeCity, Power::RecordDesignations, Power::AppointAssessors, Power::AdministerPlatform]
    );
    for caller in every_caller().into_iter().filter(|c| c.role != Role::PlatformAdmin) {
        assert!(decide(&caller, Power::AdministerPlatform).is_err(), "{caller:?}");
    }
}

#[test]
fn acting_for_a_client_lends_only_the_delegable_powers() {
    for caller in every_caller().into_iter().filter(|c| c.acting_for_client) {
        for &power in Power::ALL {
            if decide(&caller, power).is_ok() && caller.role != Role::PlatformAdmin {
                assert!(power.rule().delegable, "{caller:?} {power}");
            }
        }
    }
    let delegate = Caller {
        role: Role::Member,
        organization: Some(Standing { kind: OrgKind::Enterprise, verification: Verification::Verified }),
        acting_for_client: true,
        api_key: false,
    };
    assert_eq!(decide(&delegate, Power::PublishPostings), Ok(()));
    assert_eq!(decide(&delegate, Power::GrantDelegations), Err(Refusal::NotOnBehalf));
}

#[test]
fn the_reason_names_the_kind_before_the_verification() {
    let pending_school = org(Role::OrgAdmin, OrgKind::School, Verification::Pending);
    assert_eq!(decide(&pending_school, Power::OverseeCity), Err(Refusal::WrongKind));
    assert_eq!(decide(&pending_school, Power::EnterStudents), Err(Refusal::NotVerified));
    let rejected_authority = org(Role::Member, OrgKind::Authority, Verification::Rejected);
    assert_eq!(decide(&rejected_authority, Power::RecordDesignations), Err(Refusal::Rejected));
    let nobody = Caller { role: Role::Member, organization: None, acting_for_client: false, api_key: false };
    assert_eq!(decide(&nobody, Power::PublishPostings), Err(Refusal::NoOrganization));
}

#[test]
fn every_refusal_is_explained_in_both_languages() {
    let mut seen = std::collections::HashSet::new();
    for caller in every_caller() {
        for &power in Power::ALL {
            if let Err(refusal) = decide(&caller, power) {
                assert!(!refusal.zh().is_empty() && !refusal.to_string().is_empty() && !refusal.code().is_empty());
                seen.insert(refusal);
            }
        }
    }
    assert_eq!(seen.len(), 7, "every refusal is reachable: {seen:?}");
    for &power in Power::ALL {
        assert!(!power.zh().is_empty() && !power.en().is_empty());
    }
}

#[test]
fn the_documented_table_is_the_policy() {
    let doc = include_str!("../../../../docs/security/access.md");
    assert!(
        doc.contains(&markdown_table()),
        "docs/security/access.md must carry this table verbatim:\n{}",
        markdown_table()
    );
}

#[test]
fn an_api_key_never_manages_keys_even_with_an_administrators_standing() {
    let admin = org(Role::OrgAdmin, OrgKind::Enterprise, Verification::Verified);
    assert_eq!(decide(&admin, Power::ManageApiKeys), Ok(()));
    let key = Caller { api_key: true, ..admin };
    assert_eq!(decide(&key, Power::ManageApiKeys), Err(Refusal::PeopleOnly));
    assert_eq!(decide(&key, Power::GrantDelegations), Err(Refusal::PeopleOnly));
    assert_eq!(decide(&Caller { role: Role::Member, ..key }, Power::PublishPostings), Ok(()));
    let member = org(Role::Member, OrgKind::School, Verification::Verified);
    assert_eq!(decide(&member, Power::ManageApiKeys), Err(Refusal::NotAdministrator));
}
