#pragma once

#include <QDialog>

class QTextBrowser;

namespace pygmi::core {
class ApiClient;
}

namespace pygmi::ui {

// Shows the server's terms and privacy notice (GET /v1/notice through the ApiClient).
class NoticeDialog : public QDialog
{
    Q_OBJECT

public:
    NoticeDialog(core::ApiClient *api, QWidget *parent = nullptr);

private:
    QTextBrowser *m_text;
};

} // namespace pygmi::ui
