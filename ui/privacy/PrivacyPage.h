#pragma once

#include <QJsonObject>
#include <QPointer>
#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QTreeWidget;
class QVBoxLayout;

namespace pygmi::core {
class ExportDownload;
class PrivacyService;
} // namespace pygmi::core

namespace pygmi::ui {

class Banner;

// The Privacy page: what the server holds about you and every right of the notice, each carried
// out for real through core::PrivacyService (export with a verified download, correction, deletion
// with a grace period, restriction and objection, training, requests with their timeline and
// receipts, automated decisions and human review, devices and sessions, processors, contacts).
class PrivacyPage : public QWidget
{
    Q_OBJECT

public:
    PrivacyPage(core::PrivacyService *privacy, QWidget *parent = nullptr);

    core::ExportDownload *download() const { return m_download; }
    // Tests answer the picture chooser with this path (empty: as if cancelled).
    static void setNextAvatarFile(const QString &path) { s_nextAvatarFile = path; }

Q_SIGNALS:
    // The model-training switch lives with the other consent choices.
    void consentSettingsRequested();

private:
    QWidget *buildHoldings();
    QWidget *buildExport();
    QWidget *buildCorrect();
    QWidget *buildDelete();
    QWidget *buildRestrict();
    QWidget *buildTraining();
    QWidget *buildRequests();
    QWidget *buildDecisions();
    QWidget *buildSessions();
    QWidget *buildProcessors();
    QWidget *buildContact();

    void showSummary();
    void showRequests();
    void showRequestDetails();
    void showSessions();
    void showDecisions();
    void showProfile();
    void updateExportState();
    void startDownload();
    void openDeleteDialog();
    void report(const QString &text, bool problem = false);
    QJsonObject selectedRequest() const;
    QJsonObject latestExport() const;

    core::PrivacyService *m_privacy;
    core::ExportDownload *m_download;
    Banner *m_deletionBanner;
    Banner *m_restrictionBanner;
    Banner *m_messageBanner;
    QTableWidget *m_holdings = nullptr;
    QList<QCheckBox *> m_exportCategories;
    QCheckBox *m_rangeCheck = nullptr;
    QDateEdit *m_fromDate = nullptr;
    QDateEdit *m_toDate = nullptr;
    QPushButton *m_requestExport = nullptr;
    QLabel *m_exportStatus = nullptr;
    QPushButton *m_downloadButton = nullptr;
    QProgressBar *m_downloadProgress = nullptr;
    QLabel *m_downloadStatus = nullptr;
    QLineEdit *m_displayName = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_region = nullptr;
    QLineEdit *m_newEmail = nullptr;
    QLineEdit *m_emailPassword = nullptr;
    QLineEdit *m_emailCode = nullptr;
    QLabel *m_emailStatus = nullptr;
    QPlainTextEdit *m_correction = nullptr;
    QCheckBox *m_restrict = nullptr;
    QCheckBox *m_objectAnalytics = nullptr;
    QCheckBox *m_objectPersonalisation = nullptr;
    QLabel *m_trainingState = nullptr;
    QTreeWidget *m_requests = nullptr;
    QTextBrowser *m_timeline = nullptr;
    QPushButton *m_cancelRequest = nullptr;
    QLineEdit *m_replyEdit = nullptr;
    QPushButton *m_replyButton = nullptr;
    QTreeWidget *m_decisions = nullptr;
    QPushButton *m_requestReview = nullptr;
    QTreeWidget *m_sessions = nullptr;
    QPushButton *m_revokeSession = nullptr;
    QLabel *m_processors = nullptr;
    QLabel *m_contact = nullptr;
    bool m_updating = false;
    QLabel *m_avatar = nullptr;
    static inline std::optional<QString> s_nextAvatarFile;
    QString m_shownDeletion;
};

} // namespace pygmi::ui
