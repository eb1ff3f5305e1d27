// xm: the Xenith management command.
#include "toolstack/xm/xm_main.h"

int main(int argc, char** argv)
{
    return xenith::xm::xm_main(argc, argv);
}
