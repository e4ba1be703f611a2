#include "common/NoticeDialog.h"

#include "api/ApiClient.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pygmi::ui {

NoticeDialog::NoticeDialog(core::ApiClient *api, QWidget *parent)
    : QDialog(parent)
    , m_text(new QTextBrowser(this))
{
    setObjectName(QStringLiteral("noticeDialog"));
    setWindowTitle(tr("Terms and privacy notice"));
    setAccessibleName(windowTitle());
    resize(560, 520);
    m_text->setObjectName(QStringLiteral("noticeText"));
    m_text->setAccessibleName(tr("Notice text"));
    m_text->setOpenExternalLinks(false);
    m_text->setPlainText(tr("Loading the notice…"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setObjectName(QStringLiteral("noticeCloseButton"));
    buttons->button(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(buttons);

    api->get(QStringLiteral("/v1/notice"), this, [this](const core::ApiResponse &response) {
        if (!response.ok()) {
            m_text->setPlainText(response.error.userMessage());
            return;
        }
        const QString title = response.json.value(QLatin1String("title")).toString();
        const QString version = response.json.value(QLatin1String("version")).toString();
        const QString effective = response.json.value(QLatin1String("effective_date")).toString();
        const QString body = response.json.value(QLatin1String("text")).toString();
        m_text->setPlainText(tr("%1\nVersion %2, effective %3\n\n%4").arg(title, version, effective, body));
    });
}

} // namespace pygmi::ui
