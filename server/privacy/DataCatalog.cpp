#include "DataCatalog.h"

#include <mutex>

namespace pygmi::server {

namespace {

std::vector<DataCatalog::Table> &mutableTables()
{
    static std::vector<DataCatalog::Table> list {
        // category, table, owner column, date-range column, expiry column, withheld, blobs
        { QStringLiteral("account"),
          QStringLiteral("users"),
          QStringLiteral("id"),
          {},
          {},
          { QStringLiteral("password_hash") },
          { { QStringLiteral("avatar_sha256"), QStringLiteral("-avatar"), {} } } },
        { QStringLiteral("account"), QStringLiteral("sso_identities"), QStringLiteral("user_id"), {}, {}, {}, {} },
        { QStringLiteral("account"),
          QStringLiteral("one_time_codes"),
          QStringLiteral("user_id"),
          {},
          QStringLiteral("expires_at"),
          { QStringLiteral("code_hash") },
          {} },
        { QStringLiteral("account"),
          QStringLiteral("local_install"),
          QStringLiteral("user_id"),
          {},
          {},
          { QStringLiteral("secret_hash") },
          {} },
        { QStringLiteral("profile"),
          QStringLiteral("processing_objections"),
          QStringLiteral("user_id"),
          {},
          {},
          {},
          {} },
        { QStringLiteral("content"),
          QStringLiteral("generations"),
          QStringLiteral("user_id"),
          QStringLiteral("created_at"),
          {},
          {},
          {} },
        { QStringLiteral("content"),
          QStringLiteral("assets"),
          QStringLiteral("user_id"),
          QStringLiteral("created_at"),
          QStringLiteral("expires_at"),
          {},
          { { QStringLiteral("sha256"), {}, {} },
            { QStringLiteral("poster_sha256"), QStringLiteral("-poster"), QStringLiteral("png") } } },
        { QStringLiteral("content"),
          QStringLiteral("moderation_decisions"),
          QStringLiteral("user_id"),
          QStringLiteral("decided_at"),
          {},
          {},
          {} },
        // Reference uploads: the files (after metadata removal) with their thumbnails, and the tus
        // uploads (unfinished ones keep their bytes in uploads/<id>.part, which are not content yet).
        { QStringLiteral("references"),
          QStringLiteral("reference_files"),
          QStringLiteral("user_id"),
          QStringLiteral("created_at"),
          QStringLiteral("expires_at"),
          {},
          { { QStringLiteral("sha256"), {}, {} },
            { QStringLiteral("thumbnail_sha256"), QStringLiteral("-thumbnail"), QStringLiteral("jpg") } } },
        { QStringLiteral("references"),
          QStringLiteral("uploads"),
          QStringLiteral("user_id"),
          QStringLiteral("created_at"),
          QStringLiteral("expires_at"),
          {},
          {} },
        { QStringLiteral("consent"), QStringLiteral("installs"), QStringLiteral("user_id"), {}, {}, {}, {} },
        { QStringLiteral("consent"),
          QStringLiteral("consent_events"),
          QStringLiteral("user_id"),
          QStringLiteral("created_at"),
          {},
          {},
          {} },
        { QStringLiteral("consent"),
          QStringLiteral("consent_state"),
          QStringLiteral("user_id"),
          {},
          QStringLiteral("expires_at"),
          {},
          {} },
        { QStringLiteral("consent"), QStringLiteral("sale_share_optouts"), QStringLiteral("user_id"), {}, {}, {}, {} },
        { QStringLiteral("consent"),
          QStringLiteral("policy_acknowledgements"),
          QStringLiteral("user_id"),
          {},
          {},
          {},
          {} },
        { QStringLiteral("telemetry"),
          QStringLiteral("telemetry_events"),
          QStringLiteral("user_id"),
          QStringLiteral("received_at"),
          QStringLiteral("expires_at"),
          {},
          {} },
        { QStringLiteral("telemetry"),
          QStringLiteral("telemetry_deletions"),
          QStringLiteral("user_id"),
          QStringLiteral("requested_at"),
          {},
          {},
          {} },
        { QStringLiteral("sessions"), QStringLiteral("token_families"), QStringLiteral("user_id"), {}, {}, {}, {} },
        { QStringLiteral("requests"), QStringLiteral("privacy_requests"), QStringLiteral("user_id"), {}, {}, {}, {} },
        { QStringLiteral("requests"),
          QStringLiteral("privacy_request_events"),
          QStringLiteral("user_id"),
          {},
          {},
          {},
          {} },
        { QStringLiteral("requests"),
          QStringLiteral("privacy_exports"),
          QStringLiteral("user_id"),
          {},
          QStringLiteral("expires_at"),
          {},
          {} },
    };
    return list;
}

} // namespace

const std::vector<DataCatalog::Table> &DataCatalog::tables()
{
    return mutableTables();
}

void DataCatalog::add(Table table)
{
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    for (const Table &known : mutableTables()) {
        if (known.table == table.table)
            return;
    }
    mutableTables().push_back(std::move(table));
}

const std::vector<DataCatalog::Category> &DataCatalog::categories()
{
    static const std::vector<Category> list {
        { QStringLiteral("account"), QStringLiteral("Account"),
          QStringLiteral("While the account exists; removed when the account is deleted") },
        { QStringLiteral("profile"), QStringLiteral("Profile and choices"),
          QStringLiteral("While the account exists") },
        { QStringLiteral("content"), QStringLiteral("Prompts and generated content"),
          QStringLiteral("Up to the server's content retention (default 30 days)") },
        { QStringLiteral("references"), QStringLiteral("Reference files"),
          QStringLiteral("Up to the server's content retention (default 30 days)") },
        { QStringLiteral("consent"), QStringLiteral("Consent records"),
          QStringLiteral("While the account exists, so that each choice can be proven") },
        { QStringLiteral("telemetry"), QStringLiteral("Logs and telemetry"), QStringLiteral("30 to 180 days by type") },
        { QStringLiteral("sessions"), QStringLiteral("Sessions and devices"),
          QStringLiteral("Until signed out or revoked; refresh tokens end after 30 days") },
        { QStringLiteral("requests"), QStringLiteral("Privacy requests and exports"),
          QStringLiteral("While the account exists; export files 7 days") },
        { QStringLiteral("billing"), QStringLiteral("Billing references"),
          QStringLiteral("None stored here: the payment processor keeps billing records") },
    };
    return list;
}

const DataCatalog::Category *DataCatalog::category(const QString &id)
{
    for (const Category &category : categories()) {
        if (category.id == id)
            return &category;
    }
    return nullptr;
}

} // namespace pygmi::server
