#pragma once

#include <QString>
#include <QStringList>
#include <vector>

namespace pygmi::server {

// Every table that holds personal data, with the column naming its owner: the one list the
// export, the "what we hold" summary and the completeness test walk. A feature that adds a
// table with user data adds one line here (tests/server/tst_ServerPrivacy fails until it does).
class DataCatalog
{
public:
    struct Blob
    {
        QString column; // holds a SHA-256 of the blob store
        QString suffix; // file name after the row id in media/, e.g. "" or "-poster"
        QString extension; // fixed extension, or empty: from the row's `mime`
    };

    struct Table
    {
        QString category; // account, profile, content, references, consent, telemetry, sessions, requests
        QString table;
        QString userColumn; // "user_id" (or "id" for users)
        QString timeColumn; // what a date range filters on; empty: always exported whole
        QString expiryColumn; // when rows are deleted by retention; empty: none
        QStringList withheld; // secrets (hashes of passwords, tokens, codes): shown as withheld, never exported
        std::vector<Blob> blobs;
    };

    struct Category
    {
        QString id;
        QString title;
        QString retention; // the rule, in words
    };

    static const std::vector<Table> &tables();
    static const std::vector<Category> &categories();
    static const Category *category(const QString &id);
    // Adds a table (features that arrive later register theirs at start-up).
    static void add(Table table);
};

} // namespace pygmi::server
