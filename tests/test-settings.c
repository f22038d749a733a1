/* placeholder: replaced by the module tests */
int main(void) { return 77; }
