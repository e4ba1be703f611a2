#include "privacy/DeleteAccountDialog.h"

#include "privacy/PrivacyService.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace pygmi::ui {

DeleteAccountDialog::DeleteAccountDialog(core::PrivacyService *privacy, QWidget *parent)
    : QDialog(parent)
    , m_privacy(privacy)
{
    setObjectName(QStringLiteral("deleteAccountDialog"));
    setWindowTitle(tr("Delete your account"));
    setAccessibleName(tr("Delete your account"));
    resize(560, 520);
    auto *layout = new QVBoxLayout(this);
    m_preview = new QTextBrowser(this);
    m_preview->setObjectName(QStringLiteral("deletionPreview"));
    m_preview->setAccessibleName(tr("What is deleted and what is kept"));
    m_preview->setHtml(tr("<p>Loading what would be deleted…</p>"));
    layout->addWidget(m_preview, 1);
    auto *label = new QLabel(tr("Enter your password to confirm it is you:"), this);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("deletionPasswordEdit"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    label->setBuddy(m_password);
    layout->addWidget(label);
    layout->addWidget(m_password);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("deletionErrorLabel"));
    m_error->setWordWrap(true);
    m_error->hide();
    layout->addWidget(m_error);
    auto *buttons = new QDialogButtonBox(this);
    auto *keep = buttons->addButton(tr("Keep my account"), QDialogButtonBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepAccountButton"));
    keep->setAccessibleName(tr("Keep my account"));
    keep->setDefault(true);
    m_delete = buttons->addButton(tr("Delete my account"), QDialogButtonBox::DestructiveRole);
    m_delete->setObjectName(QStringLiteral("scheduleDeletionButton"));
    m_delete->setAccessibleName(tr("Delete my account"));
    layout->addWidget(buttons);
    connect(keep, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_delete, &QPushButton::clicked, this, &DeleteAccountDialog::submit);

    m_privacy->deletionPreview([this](const QJsonObject &preview, const core::ApiError &error) {
        if (error) {
            m_preview->setHtml(
                tr("<p>The preview could not be loaded: %1</p>").arg(error.userMessage().toHtmlEscaped()));
            return;
        }
        QString html = tr("<p>After %n day(s) your account is deleted for good. Until then you can sign in and "
                          "cancel.</p><p><b>Deleted:</b></p><ul>",
                          "", preview.value(QLatin1String("grace_days")).toInt());
        for (const QJsonValue &value : preview.value(QLatin1String("deleted")).toArray()) {
            const QJsonObject item = value.toObject();
            html += tr("<li>%1: %n item(s)</li>", "", item.value(QLatin1String("count")).toInt())
                        .arg(item.value(QLatin1String("title")).toString().toHtmlEscaped());
        }
        html += tr("</ul><p>Also your files, thumbnails, exports and every signed-in device.</p><p><b>Kept, and "
                   "why:</b></p><ul>");
        for (const QJsonValue &value : preview.value(QLatin1String("retained")).toArray()) {
            const QJsonObject item = value.toObject();
            const QString until = item.value(QLatin1String("until")).toString();
            const QDateTime untilAt = QDateTime::fromString(until, Qt::ISODate);
            html += tr("<li>%1.<br><i>Why:</i> %2.<br><i>Until:</i> %3.</li>")
                        .arg(item.value(QLatin1String("what")).toString().toHtmlEscaped(),
                             item.value(QLatin1String("basis")).toString().toHtmlEscaped(),
                             untilAt.isValid() ? QLocale().toString(untilAt.toLocalTime().date(), QLocale::LongFormat)
                                               : until.toHtmlEscaped());
        }
        html += QStringLiteral("</ul>");
        m_preview->setHtml(html);
        const bool needsPassword = preview.value(QLatin1String("needs_password")).toBool();
        m_password->setVisible(needsPassword);
    });
}

void DeleteAccountDialog::submit()
{
    m_delete->setEnabled(false);
    m_error->hide();
    m_privacy->requestDeletion(m_password->text(), [this](const QJsonObject &answer, const core::ApiError &error) {
        m_password->clear();
        m_delete->setEnabled(true);
        if (error) {
            m_error->setText(error.code() == u"invalid_credentials" ? tr("That password is not right.")
                                                                    : error.userMessage());
            m_error->show();
            return;
        }
        if (answer.value(QLatin1String("status")).toString() == u"needs_verification") {
            m_error->setText(tr("Enter your password to confirm."));
            m_error->show();
            m_privacy->cancelRequest(answer.value(QLatin1String("id")).toString());
            return;
        }
        emit scheduled();
        accept();
    });
}

} // namespace pygmi::ui
