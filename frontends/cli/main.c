#include <ews/ews.h>
int main(void) { return ews_version() ? 0 : 1; }
