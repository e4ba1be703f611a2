#pragma once

#include <QNetworkAccessManager>
#include <QString>
#include <QUrl>

namespace pygmi::test {

// Plays the person at the system browser, over HTTP with a cookie jar: follows redirects from
// the server's start URL to the provider, signs in and consents on oidc-provider's development
// pages (or aborts there), and stops at the redirect to the app's loopback callback.
class BrowserScript
{
public:
    enum class Choice { Consent, Abort };

    struct Result
    {
        QUrl loopbackUrl; // the app's http://127.0.0.1:PORT/callback?... (empty on failure)
        int lastStatus = 0;
        QByteArray lastBody;
        QString error;
    };

    // Keeps cookies between runs, like a browser: a second sign-in may skip the login page.
    Result run(const QUrl &start, const QString &login = QStringLiteral("alice"), Choice choice = Choice::Consent);
    // A fresh browser profile: the provider forgets who was signed in.
    void forgetCookies();
    // GETs a URL once (e.g. the loopback callback, as the browser would), returns status and body.
    std::pair<int, QByteArray> fetch(const QUrl &url);

private:
    QNetworkAccessManager m_network;
};

} // namespace pygmi::test
