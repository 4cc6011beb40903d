#pragma once
// Elastic network interfaces: the primary interface RunInstances gives each instance (deleted when
// the instance terminates) and those CreateNetworkInterface makes. Each is a "network-interface"
// resource whose doc is DescribeNetworkInterfaces' shape (tags apart); its vpc_id is its VPC's, so
// a VPC with interfaces cannot be deleted.
#include <map>
#include <string>

#include "services/ec2/ec2_common.h"

namespace citadel::services::ec2 {

// Takes a private address of `subnet` for a new interface: `requested` when given (it must lie in
// the subnet past its four reserved addresses and before its last, and be free), else the next
// free one. Counts it out of AvailableIpAddressCount; the caller saves the subnet.
// InsufficientFreeAddressesInSubnet, InvalidParameterValue, InvalidIPAddress.InUse.
Result<std::string> allocate_address(store::Tx& tx, Resource& subnet, const std::string& requested);

// "ip-10-0-0-5.ec2.internal" (us-east-1) or "ip-10-0-0-5.REGION.compute.internal".
std::string private_dns_name(const std::string& ip, const std::string& region);

// A new, unattached ("available") interface in `subnet` with `groups` ([{GroupId, GroupName}]);
// not saved.
Resource new_network_interface(const Resource& subnet, const std::string& ip, const json::array& groups,
                               const std::string& description, int64_t now_ms);

// Attaches `eni` as `instance_id`'s primary interface (device 0, deleted with the instance).
void attach_primary(Resource& eni, const std::string& instance_id, int64_t now_ms);

// The interfaces attached to instances of the account and region, by instance id, in
// DescribeInstances' NetworkInterfaces shape.
Result<std::map<std::string, json::array>> instance_interfaces(store::Tx& tx, const std::string& account,
                                                               const std::string& region);
json::object instance_interface_view(const Resource& eni);

// Deletes the interfaces attached to `instance_id` with DeleteOnTermination, giving their addresses
// back to their subnets.
Status delete_instance_interfaces(store::Tx& tx, const std::string& account, const std::string& region,
                                  const std::string& instance_id);

// Gives the interfaces attached to `instance_id` the instance's new security groups
// (ModifyInstanceAttribute's Groups apply to its primary interface).
Status set_instance_interface_groups(store::Tx& tx, const std::string& account, const std::string& region,
                                     const std::string& instance_id, const json::array& groups);

// An interface of the account and region by id: InvalidNetworkInterfaceID.Malformed / .NotFound.
Result<Resource> existing_interface(store::Tx& tx, const std::string& account, const std::string& region,
                                    const std::string& id);

void add_network_interface_operations(std::vector<OperationDef>& ops);

}  // namespace citadel::services::ec2
