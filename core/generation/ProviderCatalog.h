#pragma once

#include "api/ApiError.h"
#include "generation/GenerationTypes.h"

#include <QObject>

namespace pygmi::core {

class ApiClient;

// The generators the server offers (GET /v1/providers), with their limits, so the composer can
// check a request before sending it and say where each one runs.
class ProviderCatalog : public QObject
{
    Q_OBJECT

public:
    explicit ProviderCatalog(ApiClient *api, QObject *parent = nullptr);

    void refresh();
    bool isLoaded() const { return m_loaded; }
    QList<Provider> providers() const { return m_providers; }
    const Provider *find(const QString &id) const;
    ApiError lastError() const { return m_error; }

Q_SIGNALS:
    void changed();
    void failed(const pygmi::core::ApiError &error);

private:
    ApiClient *m_api;
    QList<Provider> m_providers;
    ApiError m_error;
    bool m_loaded = false;
    bool m_loading = false;
};

} // namespace pygmi::core
