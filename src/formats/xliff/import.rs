//! Which units of a translated XLIFF file may go into a memory.

use std::fmt;

use super::{Problem, State, Unit};
use crate::error::{Location, Result};

/// Decides which read units are importable.
///
/// A unit is importable when it is translatable, has a non-empty `<target>`, and the target's
/// state is one of `accepted`. A non-empty target *without* a state counts as translated when
/// `stateless_is_translated` is set (the default): tools that write no states at all (OmegaT's
/// own XLIFF filter, many scripts) mean their targets as translations, and Okapi imports such
/// targets too. (translate-toolkit is stricter: it calls such a unit fuzzy unless
/// `approved="yes"`.)
///
/// `approved="yes"` on the `<trans-unit>` (XLIFF 1.2: the translation is approved) makes a target
/// count as at least translated, whatever earlier state it has (none, `new`, `needs-translation`,
/// a needs-review state, a custom one), as translate-toolkit reads it; `approved="no"` changes
/// nothing.
///
/// The default accepts translated, the three needs-review states, signed-off and final: a
/// needs-review target is a translation someone made and wants checked, which is what a memory
/// holds. `new`, `needs-translation`, `needs-l10n`, `needs-adaptation` and custom `x-` states are
/// not accepted.
///
/// ```
/// use tmkit::formats::xliff::{Content, ImportPolicy, Skip, State, Target, Unit};
/// let mut unit = Unit::new("1", Content::plain("Hello"));
/// let policy = ImportPolicy::default();
/// assert_eq!(policy.check(&unit), Err(Skip::NoTarget));
/// unit.target = Some(Target {
///     content: Content::plain("こんにちは"),
///     state: Some(State::NeedsTranslation),
///     state_qualifier: Some("fuzzy-match".into()),
/// });
/// assert_eq!(policy.check(&unit), Err(Skip::StateNotAccepted(Some(State::NeedsTranslation))));
/// unit.target.as_mut().unwrap().state = Some(State::Final);
/// assert_eq!(policy.check(&unit), Ok(()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPolicy {
    /// The states whose targets are imported.
    pub accepted: Vec<State>,
    /// Whether a non-empty target without a state is imported (as translated).
    pub stateless_is_translated: bool,
}

impl Default for ImportPolicy {
    fn default() -> Self {
        ImportPolicy {
            accepted: vec![
                State::Translated,
                State::NeedsReviewTranslation,
                State::NeedsReviewL10n,
                State::NeedsReviewAdaptation,
                State::SignedOff,
                State::Final,
            ],
            stateless_is_translated: true,
        }
    }
}

impl ImportPolicy {
    /// A policy accepting the states of a comma-separated list (`translated,signed-off,final`),
    /// as a user would give it; stateless targets count as translated, hence are accepted
    /// exactly when `translated` is in the list.
    pub fn with_states(list: &str) -> Result<ImportPolicy> {
        let accepted = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(State::parse)
            .collect::<Result<Vec<_>>>()?;
        let stateless_is_translated = accepted.contains(&State::Translated);
        Ok(ImportPolicy {
            accepted,
            stateless_is_translated,
        })
    }

    /// Whether `unit` is importable, and why not.
    pub fn check(&self, unit: &Unit) -> std::result::Result<(), Skip> {
        if !unit.translate {
            return Err(Skip::NotTranslatable);
        }
        let Some(target) = &unit.target else {
            return Err(Skip::NoTarget);
        };
        if target.content.text.trim().is_empty() {
            return Err(Skip::EmptyTarget);
        }
        let approved = unit.approved == Some(true)
            && !matches!(
                target.state,
                Some(State::Translated | State::SignedOff | State::Final)
            );
        match &target.state {
            _ if approved && self.accepted.contains(&State::Translated) => Ok(()),
            None if self.stateless_is_translated => Ok(()),
            Some(s) if self.accepted.contains(s) => Ok(()),
            other => Err(Skip::StateNotAccepted(other.clone())),
        }
    }
}

/// Why a unit is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// `translate="no"`.
    NotTranslatable,
    /// No `<target>`.
    NoTarget,
    /// A `<target>` with no text (or only whitespace).
    EmptyTarget,
    /// The target's state is not accepted (`None`: it has none, and stateless targets are not
    /// accepted).
    StateNotAccepted(Option<State>),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::NotTranslatable => f.write_str("translate=\"no\""),
            Skip::NoTarget => f.write_str("no <target>"),
            Skip::EmptyTarget => f.write_str("the <target> is empty"),
            Skip::StateNotAccepted(Some(s)) => write!(f, "state {:?} is not accepted", s.as_str()),
            Skip::StateNotAccepted(None) => f.write_str("the <target> has no state"),
        }
    }
}

/// Units not imported, counted by reason and listed with their locations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipReport {
    /// Units marked `translate="no"`.
    pub not_translatable: usize,
    /// Units without a `<target>`.
    pub no_target: usize,
    /// Units whose `<target>` has no text (or only whitespace).
    pub empty_target: usize,
    /// Units whose target state is not accepted, or that have no state when stateless targets are
    /// not accepted.
    pub state_not_accepted: usize,
    /// One per skipped unit, in reading order: `trans-unit "12": no <target>`.
    pub problems: Vec<Problem>,
}

impl SkipReport {
    /// Counts and lists a skipped unit read at `location`.
    pub fn record(&mut self, location: &Location, unit: &Unit, skip: &Skip) {
        let counter = match skip {
            Skip::NotTranslatable => &mut self.not_translatable,
            Skip::NoTarget => &mut self.no_target,
            Skip::EmptyTarget => &mut self.empty_target,
            Skip::StateNotAccepted(_) => &mut self.state_not_accepted,
        };
        *counter += 1;
        let what = match &unit.segment {
            Some(mid) => format!("trans-unit {:?}, segment {mid:?}", unit.id),
            None => format!("trans-unit {:?}", unit.id),
        };
        self.problems.push(Problem {
            location: location.clone(),
            message: format!("{what}: {skip}"),
        });
    }

    /// How many units were skipped.
    pub fn total(&self) -> usize {
        self.not_translatable + self.no_target + self.empty_target + self.state_not_accepted
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Content, Target};
    use super::*;

    fn unit(target: Option<(&str, Option<State>)>, translate: bool) -> Unit {
        let mut u = Unit::new("7", Content::plain("src"));
        u.translate = translate;
        u.target = target.map(|(t, state)| Target {
            content: Content::plain(t),
            state,
            state_qualifier: None,
        });
        u
    }

    #[test]
    fn default_policy() {
        let p = ImportPolicy::default();
        let cases = [
            (unit(None, true), Err(Skip::NoTarget)),
            (unit(Some((" ", None)), true), Err(Skip::EmptyTarget)),
            (unit(Some(("t", None)), true), Ok(())),
            (
                unit(Some(("t", Some(State::Translated))), false),
                Err(Skip::NotTranslatable),
            ),
            (unit(Some(("t", Some(State::Translated))), true), Ok(())),
            (
                unit(Some(("t", Some(State::NeedsReviewL10n))), true),
                Ok(()),
            ),
            (unit(Some(("t", Some(State::SignedOff))), true), Ok(())),
            (unit(Some(("t", Some(State::Final))), true), Ok(())),
            (
                unit(Some(("t", Some(State::New))), true),
                Err(Skip::StateNotAccepted(Some(State::New))),
            ),
            (
                unit(Some(("t", Some(State::NeedsTranslation))), true),
                Err(Skip::StateNotAccepted(Some(State::NeedsTranslation))),
            ),
            (
                unit(Some(("t", Some(State::Custom("x-ok".into())))), true),
                Err(Skip::StateNotAccepted(Some(State::Custom("x-ok".into())))),
            ),
        ];
        for (u, want) in cases {
            assert_eq!(p.check(&u), want, "{:?}", u.target);
        }
    }

    #[test]
    fn approved_yes_makes_a_target_translated() {
        let approved = |state: Option<State>, approved: Option<bool>| {
            let mut u = unit(Some(("t", state)), true);
            u.approved = approved;
            u
        };
        let default = ImportPolicy::default();
        let strict = ImportPolicy::with_states("translated,final").unwrap();
        let finals = ImportPolicy::with_states("final").unwrap();
        let cases = [
            (
                &default,
                approved(Some(State::NeedsTranslation), Some(true)),
                true,
            ),
            (&default, approved(Some(State::New), Some(true)), true),
            (
                &default,
                approved(Some(State::NeedsTranslation), Some(false)),
                false,
            ),
            (
                &default,
                approved(Some(State::NeedsTranslation), None),
                false,
            ),
            (
                &strict,
                approved(Some(State::NeedsReviewTranslation), Some(true)),
                true,
            ),
            (
                &strict,
                approved(Some(State::NeedsReviewTranslation), None),
                false,
            ),
            (&strict, approved(None, Some(true)), true),
            (&strict, approved(Some(State::Final), Some(false)), true),
            // A policy that does not take translated targets is not widened by approved="yes".
            (
                &finals,
                approved(Some(State::NeedsTranslation), Some(true)),
                false,
            ),
            (&finals, approved(Some(State::Final), Some(true)), true),
        ];
        for (policy, u, importable) in cases {
            assert_eq!(
                policy.check(&u).is_ok(),
                importable,
                "{:?} approved={:?} with {:?}",
                u.target,
                u.approved,
                policy.accepted
            );
        }
    }

    #[test]
    fn policy_from_list() {
        let p = ImportPolicy::with_states("signed-off, final").unwrap();
        assert!(!p.stateless_is_translated);
        assert_eq!(
            p.check(&unit(Some(("t", None)), true)),
            Err(Skip::StateNotAccepted(None))
        );
        assert_eq!(
            p.check(&unit(Some(("t", Some(State::Translated))), true)),
            Err(Skip::StateNotAccepted(Some(State::Translated)))
        );
        let e = ImportPolicy::with_states("translated,done").unwrap_err();
        assert!(
            e.to_string().starts_with("invalid XLIFF state \"done\""),
            "{e}"
        );
    }

    #[test]
    fn report_counts_and_locates() {
        let mut r = SkipReport::default();
        let loc = Location {
            path: "a.xlf".into(),
            line: 3,
            column: 5,
        };
        let mut u = unit(None, true);
        r.record(&loc, &u, &Skip::NoTarget);
        u.segment = Some("2".into());
        r.record(&loc, &u, &Skip::StateNotAccepted(Some(State::New)));
        assert_eq!((r.no_target, r.state_not_accepted, r.total()), (1, 1, 2));
        assert_eq!(
            format!("{}: {}", r.problems[1].location, r.problems[1].message),
            "a.xlf:3:5: trans-unit \"7\", segment \"2\": state \"new\" is not accepted"
        );
    }
}
