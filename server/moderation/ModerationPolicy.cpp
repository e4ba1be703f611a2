#include "ModerationPolicy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pygmi::server {

bool ModerationPolicy::load(const QString &file, QString *error)
{
    const QString path = file.isEmpty() ? QStringLiteral(":/pygmi-server/moderation/sample-policy.json") : file;
    QFile input(path);
    if (!input.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the moderation policy %1").arg(path);
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(input.readAll(), &parseError);
    const QJsonObject root = document.object();
    if (parseError.error != QJsonParseError::NoError || !root.value(QStringLiteral("categories")).isArray()) {
        *error = QStringLiteral("the moderation policy %1 is not valid JSON with a \"categories\" list").arg(path);
        return false;
    }
    m_version = root.value(QStringLiteral("version")).toString(QStringLiteral("unversioned"));
    m_categories.clear();
    for (const QJsonValue &value : root.value(QStringLiteral("categories")).toArray()) {
        const QJsonObject object = value.toObject();
        Category category;
        category.id = object.value(QStringLiteral("id")).toString();
        category.reason = object.value(QStringLiteral("reason")).toString();
        if (category.id.isEmpty()) {
            *error = QStringLiteral("a moderation category has no id");
            return false;
        }
        const auto options = QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption;
        for (const QJsonValue &term : object.value(QStringLiteral("terms")).toArray()) {
            const QString escaped = QRegularExpression::escape(term.toString().trimmed());
            if (!escaped.isEmpty())
                category.patterns.emplace_back(QStringLiteral("\\b%1\\b").arg(escaped), options);
        }
        for (const QJsonValue &pattern : object.value(QStringLiteral("patterns")).toArray()) {
            QRegularExpression expression(pattern.toString(), options);
            if (!expression.isValid()) {
                *error = QStringLiteral("moderation category %1 has an invalid pattern: %2")
                             .arg(category.id, expression.errorString());
                return false;
            }
            category.patterns.push_back(std::move(expression));
        }
        for (auto &expression : category.patterns)
            expression.optimize();
        m_categories.push_back(std::move(category));
    }
    return true;
}

std::optional<ModerationPolicy::Match> ModerationPolicy::check(const QString &text) const
{
    for (const Category &category : m_categories) {
        for (const QRegularExpression &expression : category.patterns) {
            if (expression.match(text).hasMatch())
                return Match { category.id, category.reason };
        }
    }
    return std::nullopt;
}

} // namespace pygmi::server
