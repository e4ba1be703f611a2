#include "generation/ProviderCatalog.h"

#include "api/ApiClient.h"
#include "generation/GenerationLogging.h"

#include <QJsonArray>

namespace pygmi::core {

ProviderCatalog::ProviderCatalog(ApiClient *api, QObject *parent)
    : QObject(parent)
    , m_api(api)
{ }

void ProviderCatalog::refresh()
{
    if (m_loading)
        return;
    m_loading = true;
    m_api->get(QStringLiteral("/v1/providers"), this, [this](const ApiResponse &response) {
        m_loading = false;
        m_error = response.error;
        if (!response.ok()) {
            qCInfo(lcGeneration) << "providers not loaded:" << response.error.code();
            Q_EMIT failed(response.error);
            return;
        }
        QList<Provider> providers;
        for (const QJsonValue &p : response.json.value(QStringLiteral("providers")).toArray())
            providers.append(Provider::fromJson(p.toObject()));
        m_providers = providers;
        m_loaded = true;
        Q_EMIT changed();
    });
}

const Provider *ProviderCatalog::find(const QString &id) const
{
    for (const Provider &p : m_providers)
        if (p.id == id)
            return &p;
    return nullptr;
}

} // namespace pygmi::core
