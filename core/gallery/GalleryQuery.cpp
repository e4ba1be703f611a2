#include "GalleryQuery.h"

#include "GalleryLogging.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace pygmi::core {

Q_LOGGING_CATEGORY(lcGallery, "pygmi.core.gallery", QtInfoMsg)

namespace {

QStringList words(const QString &text)
{
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}\\p{M}]+"));
    QStringList list;
    auto it = word.globalMatch(text.toCaseFolded());
    while (it.hasNext())
        list << it.next().captured(0);
    return list;
}

} // namespace

QUrlQuery GalleryQuery::toUrlQuery() const
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("sort"),
                       sort == Sort::Newest ? QStringLiteral("newest") : QStringLiteral("oldest"));
    if (!media.isEmpty())
        query.addQueryItem(QStringLiteral("media"), media);
    if (favouritesOnly)
        query.addQueryItem(QStringLiteral("favourite"), QStringLiteral("true"));
    if (from.isValid())
        query.addQueryItem(QStringLiteral("from"), from.toString(Qt::ISODate));
    if (to.isValid())
        query.addQueryItem(QStringLiteral("to"), to.toString(Qt::ISODate));
    if (!provider.isEmpty())
        query.addQueryItem(QStringLiteral("provider"), QString::fromLatin1(QUrl::toPercentEncoding(provider)));
    if (!model.isEmpty())
        query.addQueryItem(QStringLiteral("model"), QString::fromLatin1(QUrl::toPercentEncoding(model)));
    const QString trimmed = text.simplified();
    if (!trimmed.isEmpty())
        query.addQueryItem(QStringLiteral("q"), QString::fromLatin1(QUrl::toPercentEncoding(trimmed)));
    return query;
}

QString GalleryQuery::key() const
{
    return toUrlQuery().toString(QUrl::FullyEncoded);
}

bool GalleryQuery::matches(const Asset &asset) const
{
    if (!media.isEmpty() && asset.media != media)
        return false;
    if (favouritesOnly && !asset.favourite)
        return false;
    const QDate day = asset.createdAt.toUTC().date();
    if (from.isValid() && day < from)
        return false;
    if (to.isValid() && day > to)
        return false;
    if (!provider.isEmpty() && asset.params.provider != provider)
        return false;
    if (!model.isEmpty() && asset.params.model != model)
        return false;
    const QStringList wanted = words(text);
    if (!wanted.isEmpty()) {
        const QStringList have = words(asset.params.prompt + u' ' + asset.params.negativePrompt + u' ' + asset.title);
        for (const QString &w : wanted) {
            const bool found
                = std::any_of(have.cbegin(), have.cend(), [&](const QString &h) { return h.startsWith(w); });
            if (!found)
                return false;
        }
    }
    return true;
}

} // namespace pygmi::core
