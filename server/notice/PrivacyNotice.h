#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <optional>

namespace pygmi::server {

class Clock;

// One published version of the privacy notice: the text people read plus the structured parts
// the app shows (purposes with their titles and descriptions, what changed materially, the
// retention table, processors and regions, who to contact).
struct NoticeVersion
{
    QString version;
    QString title;
    QString effectiveDate; // YYYY-MM-DD, in force from 00:00 UTC that day
    std::int64_t effectiveAtMs = 0;
    QString text;
    QString uiCopyVersion;
    QJsonArray purposes; // [{id, title, description, required?}]
    QStringList materialChanges; // purpose ids whose consent must be asked again
    QJsonArray summaryOfChanges; // [{purpose?, change}]
    QJsonArray retention; // [{category, period, notes}]
    QJsonArray processors; // [{name, role, region}]
    QJsonObject contact; // {controller, email, address}
    QJsonObject supervisoryAuthority; // {name, url}

    QJsonObject toJson() const;
};

// The notices a deployment publishes, from files (JSON; the project ships a sample written in
// its own words). The one in force is the newest whose effective date has come on the server
// clock; later ones are "upcoming" and announced before they apply. version(), title() and
// toJson() describe the notice in force, which is what sign-up accepts (/v1/notice).
class PrivacyNotice
{
public:
    // Empty list: the built-in sample. False (with `error`) if a file is missing or malformed,
    // or two files share a version.
    bool load(const QStringList &paths, QString *error);
    bool load(const QString &path, QString *error)
    {
        return load(path.isEmpty() ? QStringList() : QStringList { path }, error);
    }
    // Without a clock every notice counts as in force (the newest wins).
    void setClock(const Clock *clock) { m_clock = clock; }

    QString version() const { return current().version; }
    QString title() const { return current().title; }
    QJsonObject toJson() const;

    const NoticeVersion &current() const;
    QList<NoticeVersion> upcoming() const;
    std::optional<NoticeVersion> find(const QString &version) const;
    // Notices in force after `sinceVersion` (exclusive) up to now that list `purpose` as materially
    // changed; the newest such version, or empty. A consent given under an older version is stale.
    QString latestMaterialChangeAfter(const QString &sinceVersion, const QString &purpose) const;
    QStringList purposeIds() const;

private:
    static std::optional<NoticeVersion> parse(const QByteArray &bytes, const QString &source, QString *error);
    std::int64_t now() const;

    QList<NoticeVersion> m_versions; // by effective date, oldest first
    const Clock *m_clock = nullptr;
};

} // namespace pygmi::server
