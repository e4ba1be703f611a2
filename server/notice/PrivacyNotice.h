#pragma once

#include <QJsonObject>
#include <QString>

namespace pygmi::server {

// The privacy notice users accept at sign-up. The server ships a short sample; a deployment
// supplies its own legal text with --notice FILE (JSON: version, title, effective_date, text).
class PrivacyNotice
{
public:
    // Empty path: the built-in sample. False (with `error`) if the file is missing or malformed.
    bool load(const QString &path, QString *error);

    QString version() const { return m_version; }
    QString title() const { return m_title; }
    QJsonObject toJson() const;

private:
    QString m_version;
    QString m_title;
    QString m_effectiveDate;
    QString m_text;
};

} // namespace pygmi::server
