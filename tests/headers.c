#include <ews/ews.h>
int main(void) { return 0; }
