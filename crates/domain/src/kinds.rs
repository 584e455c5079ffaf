//! The kinds of submission and the channels the charter names.

use serde::{Deserialize, Serialize};

/// What a citizen sends: every kind the charter (and АПК chapter 8) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// предложение
    Proposal,
    /// мнение
    Opinion,
    /// коментар
    Comment,
    /// сигнал
    Signal,
    /// жалба / оплакване
    Complaint,
    /// похвала
    Praise,
    /// сигнал за корупция
    CorruptionSignal,
    /// заявление / искане
    Application,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Proposal,
        Kind::Opinion,
        Kind::Comment,
        Kind::Signal,
        Kind::Complaint,
        Kind::Praise,
        Kind::CorruptionSignal,
        Kind::Application,
    ];

    /// The stable identifier used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::Opinion => "opinion",
            Kind::Comment => "comment",
            Kind::Signal => "signal",
            Kind::Complaint => "complaint",
            Kind::Praise => "praise",
            Kind::CorruptionSignal => "corruption_signal",
            Kind::Application => "application",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Kind::Proposal => "предложение",
            Kind::Opinion => "мнение",
            Kind::Comment => "коментар",
            Kind::Signal => "сигнал",
            Kind::Complaint => "жалба",
            Kind::Praise => "похвала",
            Kind::CorruptionSignal => "сигнал за корупция",
            Kind::Application => "заявление",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Kind::Proposal => "proposal",
            Kind::Opinion => "opinion",
            Kind::Comment => "comment",
            Kind::Signal => "signal",
            Kind::Complaint => "complaint",
            Kind::Praise => "praise",
            Kind::CorruptionSignal => "corruption signal",
            Kind::Application => "application",
        }
    }
}

/// How a submission reached the municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// the municipality's web portal
    Web,
    /// a signal and proposal box in a service unit, digitised by a clerk
    SignalBox,
    /// the information line or the corruption answering machine
    Phone,
    /// said to an official in person
    InPersonOral,
    /// handed in on paper in person
    InPersonWritten,
    Email,
    Post,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Web,
        Channel::SignalBox,
        Channel::Phone,
        Channel::InPersonOral,
        Channel::InPersonWritten,
        Channel::Email,
        Channel::Post,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::SignalBox => "signal_box",
            Channel::Phone => "phone",
            Channel::InPersonOral => "in_person_oral",
            Channel::InPersonWritten => "in_person_written",
            Channel::Email => "email",
            Channel::Post => "post",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Whether a citizen reaches us on this channel without anyone in between (the portal, the
    /// public API, e-mail). Paper, the phone, the signal boxes, visits and the post are put in
    /// the register by a registry clerk, who vouches for the channel and the date.
    pub fn is_online(self) -> bool {
        matches!(self, Channel::Web | Channel::Email)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Channel::Web => "интернет страница",
            Channel::SignalBox => "кутия за сигнали",
            Channel::Phone => "телефон",
            Channel::InPersonOral => "устно, на място",
            Channel::InPersonWritten => "писмено, на място",
            Channel::Email => "електронна поща",
            Channel::Post => "поща",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Channel::Web => "web portal",
            Channel::SignalBox => "signal box",
            Channel::Phone => "phone",
            Channel::InPersonOral => "in person, orally",
            Channel::InPersonWritten => "in person, in writing",
            Channel::Email => "e-mail",
            Channel::Post => "post",
        }
    }

    /// Whether what arrives by this channel is, by default, a written submission. The charter's
    /// 7-day promise covers complaints "подадени в писмена форма"; a phone call or an oral
    /// complaint is not written unless it is put on paper and signed.
    pub fn is_written(self) -> bool {
        !matches!(self, Channel::Phone | Channel::InPersonOral)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Kind::parse("Proposal"), None);
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn oral_channels_are_not_written() {
        assert!(!Channel::Phone.is_written());
        assert!(!Channel::InPersonOral.is_written());
        assert!(Channel::Post.is_written());
        assert!(Channel::Web.is_written());
    }
}
