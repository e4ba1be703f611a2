#pragma once

#include <QRegularExpression>
#include <QString>
#include <optional>
#include <vector>

namespace pygmi::server {

// Automated checks on a prompt before a job is queued. The policy is data (JSON, see
// sample-policy.json): categories, each with plain terms (matched as whole words, any case)
// and regular expressions. Read-only after loading, so any thread may check.
class ModerationPolicy
{
public:
    struct Match
    {
        QString category;
        QString reason; // plain words for the user; never echoes the prompt
    };

    // Loads `file`, or the built-in sample policy when `file` is empty.
    bool load(const QString &file, QString *error);
    std::optional<Match> check(const QString &text) const;
    QString version() const { return m_version; }

private:
    struct Category
    {
        QString id;
        QString reason;
        std::vector<QRegularExpression> patterns;
    };

    QString m_version;
    std::vector<Category> m_categories;
};

} // namespace pygmi::server
