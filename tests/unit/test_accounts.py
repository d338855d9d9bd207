from __future__ import annotations

from bankrec.domain.accounts import account_keys, same_account


def test_german_bank_code_and_account_is_the_same_account_as_its_iban() -> None:
    assert "DE36700400410662145800" in account_keys("70040041/0662145800")
    assert same_account({"70040041/0662145800"}, {"DE36 7004 0041 0662 1458 00"})
    assert same_account({"70040041/662145800"}, {"0662145800"})


def test_different_accounts_do_not_match() -> None:
    assert not same_account({"70040041/0662145801"}, {"DE36700400410662145800"})
    assert not same_account({"NL91ABNA0417164300"}, {"DE36700400410662145800"})
    assert not same_account(set(), {"DE36700400410662145800"})
