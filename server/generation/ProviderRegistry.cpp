#include "ProviderRegistry.h"

#include "GenerationRequest.h"

namespace pygmi::server {

void ProviderRegistry::add(std::unique_ptr<GenerationProvider> provider)
{
    m_providers.push_back(std::move(provider));
}

GenerationProvider *ProviderRegistry::find(const QString &id) const
{
    for (const auto &provider : m_providers) {
        if (provider->info().id == id)
            return provider.get();
    }
    return nullptr;
}

QJsonArray ProviderRegistry::toJson() const
{
    QJsonArray list;
    for (const auto &provider : m_providers) {
        const ProviderInfo info = provider->info();
        QJsonArray models;
        for (const ProviderModel &model : info.models)
            models.append(QJsonObject { { QStringLiteral("id"), model.id }, { QStringLiteral("name"), model.name } });
        list.append(QJsonObject {
            { QStringLiteral("id"), info.id },
            { QStringLiteral("name"), info.name },
            { QStringLiteral("description"), info.description },
            { QStringLiteral("media"), QJsonArray::fromStringList(info.media) },
            { QStringLiteral("runs_on"),
              info.thirdParty ? QStringLiteral("third_party") : QStringLiteral("this_server") },
            { QStringLiteral("third_party"), info.thirdParty },
            { QStringLiteral("location"), info.location },
            { QStringLiteral("models"), models },
            { QStringLiteral("limits"), GenerationLimits::toJson() },
        });
    }
    return list;
}

} // namespace pygmi::server
