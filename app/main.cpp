#include "StudioApp.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstring>
#include <memory>

namespace {

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "Pygmi Studio: create images and videos from prompts."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ QStringLiteral("reset-profile"),
                       QCoreApplication::translate("main", "Forget the chosen server and the saved sign-in of this "
                                                           "installation (your data stays).") });
}

bool wantsOnlyText(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *option : { "-h", "--help", "--help-all", "-v", "--version", "-?" }) {
            if (std::strcmp(argv[i], option) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication::setOrganizationName(QStringLiteral("Pygmi"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("pygmi.org"));
    QCoreApplication::setApplicationName(QStringLiteral("Pygmi Studio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PYGMI_VERSION));

    // --help and --version need no display.
    if (wantsOnlyText(argc, argv)) {
        QCoreApplication app(argc, argv);
        QCommandLineParser parser;
        describe(parser);
        parser.process(app);
        return 0;
    }

    QApplication app(argc, argv);
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Pygmi Studio"));
    QGuiApplication::setDesktopFileName(QStringLiteral("org.pygmi.Studio"));
    QCommandLineParser parser;
    describe(parser);
    parser.process(app);
    if (parser.isSet(QStringLiteral("reset-profile")))
        pygmi::app::StudioApp::resetProfile();

    pygmi::app::StudioApp::installTranslations();
    auto studio = std::make_unique<pygmi::app::StudioApp>();
    studio->start();
    const int code = app.exec();
    studio.reset(); // stops the local server before the application object goes
    return code;
}
