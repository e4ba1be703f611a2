#include "BrowserScript.h"

#include <QEventLoop>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QTimer>

namespace pygmi::test {

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;
    QUrl location;
    QString error;
};

Answer exchange(QNetworkAccessManager &network, const QUrl &url, const QByteArray &form = {})
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(15000);
    QNetworkReply *reply = nullptr;
    if (form.isNull()) {
        reply = network.get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        reply = network.post(request, form);
    }
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Answer answer;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    const QByteArray location = reply->rawHeader("Location");
    if (!location.isEmpty())
        answer.location = url.resolved(QUrl::fromEncoded(location));
    if (answer.status == 0)
        answer.error = reply->errorString();
    reply->deleteLater();
    return answer;
}

bool isAppCallback(const QUrl &url)
{
    return url.scheme() == QLatin1String("http")
        && (url.host() == QLatin1String("127.0.0.1") || url.host() == QLatin1String("::1"))
        && url.path() == QLatin1String("/callback");
}

} // namespace

BrowserScript::Result BrowserScript::run(const QUrl &start, const QString &login, Choice choice)
{
    if (!m_network.cookieJar())
        m_network.setCookieJar(new QNetworkCookieJar(&m_network));
    Result result;
    QUrl url = start;
    QByteArray form; // null: GET
    for (int step = 0; step < 20; ++step) {
        if (isAppCallback(url)) {
            result.loopbackUrl = url;
            return result;
        }
        const Answer answer = exchange(m_network, url, form);
        form = QByteArray();
        result.lastStatus = answer.status;
        result.lastBody = answer.body;
        if (!answer.error.isEmpty()) {
            result.error = answer.error;
            return result;
        }
        if (answer.status >= 300 && answer.status < 400 && answer.location.isValid()) {
            url = answer.location;
            continue;
        }
        const bool interaction = url.path().startsWith(QLatin1String("/interaction/"));
        if (answer.status == 200 && interaction) {
            if (choice == Choice::Abort) {
                url.setPath(url.path() + QStringLiteral("/abort"));
                continue;
            }
            if (answer.body.contains("name=\"login\""))
                form = "prompt=login&login=" + QUrl::toPercentEncoding(login) + "&password=x";
            else
                form = "prompt=consent";
            continue;
        }
        result.error = QStringLiteral("stopped at %1 with status %2").arg(url.toString()).arg(answer.status);
        return result;
    }
    result.error = QStringLiteral("too many steps");
    return result;
}

void BrowserScript::forgetCookies()
{
    m_network.setCookieJar(new QNetworkCookieJar(&m_network));
}

std::pair<int, QByteArray> BrowserScript::fetch(const QUrl &url)
{
    const Answer answer = exchange(m_network, url);
    return { answer.status, answer.body };
}

} // namespace pygmi::test
